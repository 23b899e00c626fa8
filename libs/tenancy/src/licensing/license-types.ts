/** The signed part of a license file, as stored (snake_case). */
export interface LicensePayload {
  id: string;
  customer: string;
  tiers: string[];
  /** null: no limit. */
  max_tenants: number | null;
  /** ISO 8601 timestamps. */
  issued_at: string;
  expires_at: string;
}

/** A license file: the payload and a base64 Ed25519 signature of its canonical JSON. */
export interface LicenseDocument {
  license: LicensePayload;
  signature: string;
}

/** A license that verified against the configured public key and is valid now. */
export interface VerifiedLicense {
  id: string;
  customer: string;
  tiers: string[];
  maxTenants: number | null;
  issuedAt: Date;
  expiresAt: Date;
}

/** What an issuer decides; the rest (id, issue time) has defaults. */
export interface LicenseTerms {
  id?: string;
  customer: string;
  tiers: readonly string[];
  maxTenants?: number | null;
  issuedAt?: Date;
  expiresAt: Date;
}

/** Where the files came from, named in error messages. */
export interface LicenseSources {
  licenseFile?: string;
  publicKeyFile?: string;
}
