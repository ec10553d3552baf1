import { describe, expect, it } from 'vitest';
import { planClock, planClockAt } from '../../src/domain/plan-clock';
import {
  cycleWorkflowId,
  digestWorkflowId,
  followUpDepartmentWorkflowId,
  immediateWorkflowId,
  lifecycleWorkflowId,
  readCycleWorkflowId,
} from '../../src/domain/workflow-ids';

describe('the plan clock', () => {
  const running = Date.parse('2026-01-01T00:00:00.000Z');
  const plan = Date.parse('2022-03-01T00:00:00.000Z');

  it('is the running clock in production (no shift), and hands nothing on', () => {
    const clock = planClock(undefined, () => running);
    expect(clock.now()).toBe('2026-01-01T00:00:00.000Z');
    expect(clock.carry()).toEqual({});
    expect(planClock({}, () => running).shiftMs).toBe(0);
  });

  it('reads plan time as running time plus the input’s shift, both ways, and hands the shift on', () => {
    const shift = plan - running;
    const clock = planClock({ timeShiftMs: shift }, () => running);
    expect(clock.now()).toBe('2022-03-01T00:00:00.000Z');
    expect(clock.nowMs()).toBe(plan);
    expect(clock.toPlanMs(running + 1000)).toBe(plan + 1000);
    expect(clock.toRunningMs(plan + 1000)).toBe(running + 1000);
    expect(clock.carry()).toEqual({ timeShiftMs: shift });
    expect(planClockAt(plan, running).shiftMs).toBe(shift);
  });
});

describe('workflow ids', () => {
  it('say what they are, as the design names them', () => {
    expect(lifecycleWorkflowId('2395d8b89a0a')).toBe('activity-2395d8b89a0a');
    expect(digestWorkflowId('pia-chef', '2022-11-16')).toBe('digest-pia-chef-2022-11-16');
    expect(immediateWorkflowId('pia-chef', '2022-11-16', 'abc')).toBe('digest-pia-chef-2022-11-16-direkt-abc');
    expect(followUpDepartmentWorkflowId('forskola')).toBe('follow-up-forskola');
    expect(cycleWorkflowId('forskola', { period: 'T1', id: 'T1:2022' })).toBe('cycle-forskola-2022-T1');
    expect(cycleWorkflowId('forskola', { period: 'APT', id: 'APT:2022-03-01' })).toBe('cycle-forskola-2022-APT-03-01');
  });

  it('read a cycle id back to its avdelning and occasion, the longest avdelning id first', () => {
    const departments = ['forskola', 'forskola-norr', 'aldreomsorg'];
    expect(readCycleWorkflowId('cycle-forskola-2022-T1', departments)).toEqual({
      department: 'forskola',
      occasion: '2022-T1',
    });
    expect(readCycleWorkflowId('cycle-forskola-norr-2022-APT-03-01', departments)).toEqual({
      department: 'forskola-norr',
      occasion: '2022-APT-03-01',
    });
    expect(readCycleWorkflowId('cycle-skola-2022-T1', departments)).toBeUndefined();
  });
});
