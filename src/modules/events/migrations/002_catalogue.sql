-- Seed catalogue after 城市管理部件和事件分类: classes and sub-classes with time limits (minutes);
-- departments of 聊城市 and its 8 districts; routing rules class × district → department.
-- All of it is data: staff change rules through /api/events/routing-rules.

INSERT INTO events_categories (code, name, name_en, parent_code, limit_normal_minutes, limit_major_minutes, limit_urgent_minutes, working_hours) VALUES
  ('SZ', '市政公用设施', 'Municipal facilities', NULL, 1440, 480, 120, true),
  ('SR', '市容环境', 'City appearance and sanitation', NULL, 1440, 480, 120, true),
  ('JM', '街面秩序', 'Street order', NULL, 480, 240, 60, true),
  ('YL', '园林绿化', 'Landscaping', NULL, 2880, 960, 240, true),
  ('SG', '施工管理', 'Construction management', NULL, 1440, 480, 120, true),
  ('XC', '宣传广告', 'Advertising', NULL, 2880, 1440, 240, true),
  ('TF', '突发事件', 'Emergencies', NULL, 240, 120, 30, false);

INSERT INTO events_categories (code, name, name_en, parent_code, limit_normal_minutes, limit_major_minutes, limit_urgent_minutes, working_hours) VALUES
  ('SZ01', '井盖缺失破损', 'Missing or broken manhole cover', 'SZ', 480, 240, 60, false),
  ('SZ02', '路灯不亮', 'Street light out', 'SZ', 1440, 480, 120, true),
  ('SZ03', '道路破损', 'Damaged road surface', 'SZ', 2880, 960, 240, true),
  ('SZ04', '供排水设施故障', 'Water supply or drainage fault', 'SZ', 720, 240, 60, false),
  ('SZ05', '积水内涝', 'Waterlogging', 'SZ', 240, 120, 30, false),
  ('SZ06', '物联感知告警', 'IoT sensor alarm', 'SZ', 720, 240, 60, false),
  ('SR01', '暴露垃圾', 'Exposed garbage', 'SR', 480, 240, 120, true),
  ('SR02', '垃圾满溢', 'Overflowing bins', 'SR', 480, 240, 120, true),
  ('SR03', '道路不洁', 'Dirty road', 'SR', 1440, 480, 120, true),
  ('SR04', '公厕异常', 'Public toilet problem', 'SR', 1440, 480, 120, true),
  ('JM01', '非机动车乱停放', 'Disorderly non-motor vehicles', 'JM', 240, 120, 60, true),
  ('JM02', '占道经营', 'Street vending on the roadway', 'JM', 240, 120, 60, true),
  ('JM03', '乱堆物料', 'Piled materials', 'JM', 480, 240, 120, true),
  ('JM04', '机动车违停', 'Illegal parking', 'JM', 240, 120, 60, true),
  ('YL01', '绿地脏乱', 'Littered green space', 'YL', 2880, 960, 240, true),
  ('YL02', '树木倒伏', 'Fallen tree', 'YL', 480, 240, 60, false),
  ('YL03', '毁绿占绿', 'Damage to green space', 'YL', 2880, 960, 240, true),
  ('SG01', '施工扰民', 'Construction noise', 'SG', 1440, 480, 120, true),
  ('SG02', '渣土车未覆盖', 'Uncovered muck truck', 'SG', 240, 120, 60, false),
  ('SG03', '工地扬尘', 'Construction dust', 'SG', 480, 240, 120, true),
  ('XC01', '违规广告牌', 'Illegal billboard', 'XC', 2880, 1440, 240, true),
  ('XC02', '非法小广告', 'Illegal flyers', 'XC', 2880, 1440, 240, true),
  ('TF01', '火情', 'Fire', 'TF', 120, 60, 15, false),
  ('TF02', '道路塌陷', 'Road collapse', 'TF', 240, 120, 30, false),
  ('TF03', '人群聚集', 'Crowd gathering', 'TF', 120, 60, 15, false),
  ('TF04', '燃气泄漏', 'Gas leak', 'TF', 120, 60, 15, false);

INSERT INTO events_departments (code, name, district_code, general) VALUES
  ('371500-ZH', '聊城市城市运行管理服务中心', '371500', true);

INSERT INTO events_departments (code, name, district_code, general)
SELECT d.code || '-' || t.suffix, d.name || t.name, d.code, t.general
FROM (VALUES ('371502', '东昌府区'), ('371503', '茌平区'), ('371521', '阳谷县'), ('371522', '莘县'),
             ('371524', '东阿县'), ('371525', '冠县'), ('371526', '高唐县'), ('371581', '临清市')) AS d (code, name)
CROSS JOIN (VALUES ('CG', '综合行政执法局', true), ('ZJ', '住房和城乡建设局', false), ('HW', '环境卫生服务中心', false),
                   ('YL', '园林绿化服务中心', false), ('JJ', '公安交警大队', false), ('YJ', '应急管理局', false)) AS t (suffix, name, general);

INSERT INTO events_routing_rules (category_code, district_code, department_code)
SELECT r.category, d.code, d.code || '-' || r.suffix
FROM (VALUES ('371502'), ('371503'), ('371521'), ('371522'), ('371524'), ('371525'), ('371526'), ('371581')) AS d (code)
CROSS JOIN (VALUES ('SZ', 'ZJ'), ('SR', 'HW'), ('YL', 'YL'), ('TF', 'YJ'), ('JM01', 'JJ'), ('JM04', 'JJ'), ('SG02', 'CG')) AS r (category, suffix);
