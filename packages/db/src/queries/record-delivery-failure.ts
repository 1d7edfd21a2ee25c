import type pg from 'pg';

export interface DeliveryFailure {
  /** `pending` while retries remain, `failed` for good. */
  status: 'pending' | 'failed';
  statusCode: number | null;
  error: string;
}

/**
 * Records a failed attempt. Never touches a delivered row: a late duplicate run must not
 * turn a success back into a failure. Returns false when the row was already delivered.
 */
export async function recordDeliveryFailure(
  db: pg.Pool | pg.ClientBase,
  eventId: string,
  endpointUrl: string,
  failure: DeliveryFailure,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update relay.event_deliveries
        set status = $3::text, attempts = attempts + 1, last_status_code = $4::int, last_error = $5::text,
            last_attempt_at = now(), updated_at = now()
      where event_id = $1::text and endpoint_url = $2::text and status <> 'delivered'`,
    [eventId, endpointUrl, failure.status, failure.statusCode, failure.error],
  );
  return (rowCount ?? 0) > 0;
}
