import {
  createTheme,
  defaultVariantColorsResolver,
  parseThemeColor,
  type VariantColorsResolver,
} from '@mantine/core';

/**
 * The text of the light, subtle and outline variants (nav links, light buttons, badges) at WCAG AA
 * contrast (4.5:1, axe-core in e2e/accessibility.e2e.ts) on their tinted backgrounds: Mantine draws
 * it in the colour's shade 6 (teal on a teal tint is about 2.5:1), here its shade 9 darkened by a
 * third in the light scheme; the dark scheme keeps Mantine's colour.
 */
const readableVariants: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light' && input.variant !== 'subtle' && input.variant !== 'outline') return colors;
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor) return colors;
  return {
    ...colors,
    color: `light-dark(color-mix(in srgb, var(--mantine-color-${parsed.color}-9) 67%, black), ${colors.color})`,
  };
};

export const theme = createTheme({
  primaryColor: 'teal',
  // Shade 9 keeps white text on filled buttons at WCAG AA contrast (axe-core, e2e/accessibility.e2e.ts).
  primaryShade: { light: 9, dark: 8 },
  variantColorResolver: readableVariants,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'md',
});
