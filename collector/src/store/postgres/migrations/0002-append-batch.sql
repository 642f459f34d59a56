-- One verified batch, stored in one statement (one round trip, one implicit transaction): the agent's row is locked
-- first, so appends of one agent are serialised and (agent, seq) stays idempotent across partitions; events beyond
-- the chain head cannot be stored yet (every stored event has seq <= head), so the usual batch is inserted without
-- a lookup, and only a resend or overlap checks which of its events are already there.
-- Returns how many events were new.
CREATE FUNCTION append_batch(
  p_agent text, p_first_seq bigint, p_last_seq bigint, p_prev_hash bytea, p_last_hash bytea, p_signature bytea, p_received_ms bigint,
  p_seqs bigint[], p_pcs text[], p_times bigint[], p_kinds text[], p_users text[], p_hashes bytea[], p_bytes bytea[],
  p_seal_chain bigint, p_seal_epochs bigint[], p_seals bytea[],
  p_close_epochs bigint[], p_close_last_seqs bigint[], p_close_last_hashes bytea[], p_close_macs bytea[]
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  head bigint;
  inserted integer;
BEGIN
  SELECT last_seq INTO head FROM agents WHERE id = p_agent FOR UPDATE;
  IF head IS NOT NULL AND p_first_seq > head THEN
    INSERT INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user_name, hash, bytes, seal_chain, seal_epoch, seal)
    SELECT p_agent, u.seq, u.pc, u.time_ms, p_received_ms, u.kind, u.user_name, u.hash, u.bytes,
      p_seal_chain, u.epoch, u.seal
    FROM unnest(p_seqs, p_pcs, p_times, p_kinds, p_users, p_hashes, p_bytes, p_seal_epochs, p_seals)
      AS u(seq, pc, time_ms, kind, user_name, hash, bytes, epoch, seal);
  ELSE
    INSERT INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user_name, hash, bytes, seal_chain, seal_epoch, seal)
    SELECT p_agent, u.seq, u.pc, u.time_ms, p_received_ms, u.kind, u.user_name, u.hash, u.bytes,
      p_seal_chain, u.epoch, u.seal
    FROM unnest(p_seqs, p_pcs, p_times, p_kinds, p_users, p_hashes, p_bytes, p_seal_epochs, p_seals)
      AS u(seq, pc, time_ms, kind, user_name, hash, bytes, epoch, seal)
    WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.agent_id = p_agent AND e.seq = u.seq);
  END IF;
  GET DIAGNOSTICS inserted = ROW_COUNT;
  IF p_close_epochs IS NOT NULL THEN
    INSERT INTO seal_closes (agent_id, chain, epoch, last_seq, last_hash, mac, received_ms)
    SELECT p_agent, p_seal_chain, c.epoch, c.last_seq, c.last_hash, c.mac, p_received_ms
    FROM unnest(p_close_epochs, p_close_last_seqs, p_close_last_hashes, p_close_macs) AS c(epoch, last_seq, last_hash, mac)
    ON CONFLICT DO NOTHING;
  END IF;
  INSERT INTO batches (agent_id, first_seq, last_seq, prev_hash, last_hash, signature, received_ms)
  VALUES (p_agent, p_first_seq, p_last_seq, p_prev_hash, p_last_hash, p_signature, p_received_ms);
  UPDATE agents SET last_seq = p_last_seq, last_hash = p_last_hash WHERE id = p_agent AND last_seq < p_last_seq;
  RETURN inserted;
END $$;
