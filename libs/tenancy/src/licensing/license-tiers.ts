/** The licensed tier that unlocks database-per-tenant routing. */
export const MULTITENANT_SAAS = 'MULTITENANT_SAAS';

/** The command that issues a license carrying it, quoted in every licensing error. */
export const ISSUE_COMMAND = `npm run license -- issue --tier ${MULTITENANT_SAAS} --customer NAME --expires YYYY-MM-DD`;
