-- 管网 pipe networks: monitoring points on water-supply (供水) and sewer / drainage (排水) pipes.
-- Their readings update a `Pipe` entity (FIWARE Smart Data Models, dataModel.WaterDistributionManagementEPANET:
-- a pipe link of the network, with flow and velocity); pressure (供水压力) and fill level
-- (充满度, the share of the pipe's height under water) are what the monitoring points add.
INSERT INTO iot_device_types (id, name_zh, name_en, data_model, attributes) VALUES
  ('WaterSupplyPipeSensor', '供水管网监测点', 'Water supply pipe monitor', 'dataModel.WaterDistributionManagementEPANET/Pipe',
   '[{"name":"flow","unit":"m3/h","min":0,"max":50000},{"name":"velocity","unit":"m/s","min":0,"max":10},{"name":"pressure","unit":"kPa","min":0,"max":2500}]'),
  ('SewerPipeSensor', '排水管网监测点', 'Sewer and drainage pipe monitor', 'dataModel.WaterDistributionManagementEPANET/Pipe',
   '[{"name":"fillLevel","unit":"%","min":0,"max":100},{"name":"flow","unit":"m3/h","min":0,"max":50000},{"name":"velocity","unit":"m/s","min":0,"max":10}]')
ON CONFLICT (id) DO NOTHING;
