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
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor) return colors;
  // Filled in another colour than the primary: white on green, orange, yellow or lime shade 9 is
  // below 4.5:1, so their background is darkened too (the primary's shade 9 already passes).
  if (input.variant === 'filled' && parsed.color !== input.theme.primaryColor) {
    const dark = `color-mix(in srgb, var(--mantine-color-${parsed.color}-9) 75%, black)`;
    return {
      ...colors,
      background: `light-dark(${dark}, ${colors.background})`,
      hover: `light-dark(color-mix(in srgb, ${dark} 85%, black), ${colors.hover})`,
      color: `light-dark(var(--mantine-color-white), ${colors.color})`,
    };
  }
  if (input.variant !== 'light' && input.variant !== 'subtle' && input.variant !== 'outline') return colors;
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
  components: {
    // The placeholder of a file input or an empty select is an element, not ::placeholder: gray 7.
    InputPlaceholder: {
      styles: {
        placeholder: { color: 'light-dark(var(--mantine-color-gray-7), var(--mantine-color-dark-2))' },
      },
    },
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'md',
});
