import { describe, expect, it } from 'vitest';
import { assertTopicFilter, topicMatches } from './topic.ts';

describe('topicMatches', () => {
  it.each([
    ['devices/+/telemetry', 'devices/d1/telemetry', true],
    ['devices/+/telemetry', 'devices/d1/status', false],
    ['devices/+/telemetry', 'devices/d1/telemetry/extra', false],
    ['devices/#', 'devices', true],
    ['devices/#', 'devices/d1/telemetry', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['a//b', 'a//b', true],
    ['a/+/b', 'a//b', true],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('rejects malformed filters', () => {
    for (const bad of ['', 'devices/#/x', 'devices/d#', 'devices/a+/x']) expect(() => assertTopicFilter(bad)).toThrow(TypeError);
    expect(() => assertTopicFilter('devices/+/telemetry')).not.toThrow();
  });
});
