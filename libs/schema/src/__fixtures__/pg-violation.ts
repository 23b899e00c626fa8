/** The shape node-postgres gives a constraint violation, for `rejects.toMatchObject(...)`. */
export interface PgViolation {
  code: string;
  constraint: string;
}

/** SQLSTATE 23505 unique_violation on the named constraint or index. */
export const uniqueViolation = (constraint: string): PgViolation => ({ code: '23505', constraint });
/** SQLSTATE 23514 check_violation on the named constraint. */
export const checkViolation = (constraint: string): PgViolation => ({ code: '23514', constraint });
/** SQLSTATE 23503 foreign_key_violation on the named constraint. */
export const foreignKeyViolation = (constraint: string): PgViolation => ({ code: '23503', constraint });
