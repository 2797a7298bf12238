/** Keys of the data that one component loads and another refreshes with refreshNuxtData(key). */
export const DATA_KEYS = {
  adminStats: 'admin-stats',
  adminUsers: 'admin-users',
  ledger: 'ledger-first-page',
} as const
