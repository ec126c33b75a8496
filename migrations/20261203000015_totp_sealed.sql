-- The authenticator apps' secrets are sealed with TOTP_KEY (AES-256-GCM:
-- a 12-byte nonce, the 20-byte secret, a 16-byte tag). Secrets stored
-- readable before (20 bytes) are sealed by the app at start-up.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_totp_secret_check;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_totp_pending_secret_check;
ALTER TABLE users
    ADD CONSTRAINT users_totp_secret_sealed CHECK (length(totp_secret) IN (20, 48)),
    ADD CONSTRAINT users_totp_pending_secret_sealed CHECK (length(totp_pending_secret) IN (20, 48));
