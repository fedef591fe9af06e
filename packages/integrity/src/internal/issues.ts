import type { IntegrityIssue, IntegrityIssueCode, IntegrityLevel, IntegritySeverity } from '../issue.js';

/** Collects issues of the levels that were asked for, dropping the others. */
export class IssueSink {
  readonly issues: IntegrityIssue[] = [];
  readonly maxLevel: IntegrityLevel;
  readonly maxIssues: number;
  /** Issues found so far, of any level, kept or not. */
  total = 0;

  constructor(maxLevel: IntegrityLevel, maxIssues: number) {
    this.maxLevel = maxLevel;
    this.maxIssues = maxIssues;
  }

  add(level: IntegrityLevel, page: number, code: IntegrityIssueCode, message: string, severity: IntegritySeverity = 'error'): void {
    this.total++;
    if (level <= this.maxLevel && this.issues.length < this.maxIssues) this.issues.push({ level, page, code, severity, message });
  }
}
