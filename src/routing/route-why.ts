/**
 * A routing decision's summary as a stable code, beside its English sentence (`RouteWhy.summary`),
 * so a reader can say it in the user's language: `vip` (left to the owner), `no_agents` (the policy
 * has none), `none_eligible` (nobody eligible now), `least_loaded` (params `open`, `capacity`: the
 * agent's open conversations of its capacity), `round_robin` (param `eligible`: among how many).
 * Dependency-free, so the web app's tests can read it.
 */
export const ROUTE_WHY_CODES = ['vip', 'no_agents', 'none_eligible', 'least_loaded', 'round_robin'] as const;
export type RouteWhyCode = (typeof ROUTE_WHY_CODES)[number];
