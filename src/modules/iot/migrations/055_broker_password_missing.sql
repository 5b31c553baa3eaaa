-- Devices whose account in the external broker (Mosquitto dynamic security) was created by the
-- reconciliation without a password: the platform keeps only each token's hash, so a device
-- registered before dynamic security was configured cannot connect until its token is rotated
-- (`citybrain devices rotate --missing-broker-account`). Cleared when the broker takes a token.
ALTER TABLE iot_devices ADD COLUMN broker_password_missing boolean NOT NULL DEFAULT false;
CREATE INDEX iot_devices_broker_password_missing ON iot_devices (id) WHERE broker_password_missing;
