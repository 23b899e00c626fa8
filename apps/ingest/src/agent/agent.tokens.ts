/** DI token of the EnrollmentRedemption the agent API registers hosts through (EnrollmentRedeemer). */
export const ENROLLMENT_REDEMPTION = Symbol('ENROLLMENT_REDEMPTION');
/** DI token of AgentOptions. */
export const AGENT_OPTIONS = Symbol('AGENT_OPTIONS');
/** DI token of the HostAuthenticator. */
export const HOST_AUTHENTICATOR = Symbol('HOST_AUTHENTICATOR');
/** DI token of the IngestPublisher. */
export const INGEST_PUBLISHER = Symbol('INGEST_PUBLISHER');
