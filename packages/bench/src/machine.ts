import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

/** The machine a run happened on. */
export interface MachineInfo {
  cpuModel: string;
  /** Logical CPUs the OS reports. */
  cores: number;
  /** CPU flags that matter for SGEMM speed (avx2, fma, avx512f), from /proc/cpuinfo. */
  simd: string[];
  memoryGb: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started: above the core count, timings are contended. */
  loadAverage: number;
}

/** Reads the CPU model and SIMD flags from /proc/cpuinfo where it exists (Linux), else from os.cpus(). */
export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  let simd: string[] = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpuModel;
    const flags = new Set((/^flags\s*:\s*(.+)$/m.exec(info)?.[1] ?? '').split(/\s+/));
    simd = ['avx2', 'fma', 'avx512f'].filter((f) => flags.has(f));
  } catch {
    // Not Linux: os.cpus() is all there is.
  }
  return {
    cpuModel,
    cores: cpus().length,
    simd,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}
