import { type AnchorHTMLAttributes, type MouseEvent, useCallback, useSyncExternalStore } from 'react';

/*
 * A small History-API router: the app has five screens, so a routing library would cost more
 * than it saves. The hub serves index.html for every non-API path, so deep links work.
 */

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

function currentPath(): string {
  return window.location.pathname + window.location.search;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentPath()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current location, split into path segments and search parameters. */
export function useLocation(): { path: string; segments: string[]; search: URLSearchParams } {
  const full = useSyncExternalStore(subscribe, currentPath, () => '/');
  const [path = '/', search = ''] = full.split('?');
  return { path, segments: path.split('/').filter(Boolean), search: new URLSearchParams(search) };
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An anchor that navigates in-app on a plain click and behaves normally with modifier keys. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = useCallback(
    (event: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(event);
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(to);
    },
    [onClick, to],
  );
  return <a href={to} onClick={handleClick} {...rest} />;
}
