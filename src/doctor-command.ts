// `s3-swift-gateway doctor [--config FILE] [--json]`: checks a configuration
// against the real Keystone and Swift and says, in plain words, what is wrong
// and how to fix it. Exit code 0: nothing wrong; 1: a check failed; 2: the
// settings could not be read (see src/doctor/report.ts).
import { renderText } from './doctor/report.js';
import { runDoctor } from './doctor/run.js';

export const DOCTOR_USAGE = `Usage:
  s3-swift-gateway doctor [--config FILE] [--json]

Checks every setting (unknown keys included), reaches Keystone and Swift, verifies the service
identity's roles, tries one credential of each kind (the credentials file's, Keystone's EC2 keys),
and checks the ports are free. Prints what is wrong and how to fix it.
Exit codes: 0 no problem (warnings may be printed), 1 a check failed, 2 the settings cannot be read.
Settings come from --config FILE (or S3GW_CONFIG) and the S3GW_* environment, as for the gateway.
`;

export async function doctorCommand(argv: readonly string[], file: string | undefined, out: (line: string) => void, env = process.env): Promise<number> {
  const { report, exitCode } = await runDoctor(file, env);
  if (argv.includes('--json')) out(JSON.stringify({ exitCode, findings: report.findings }, null, 2));
  else for (const line of renderText(report, file ?? 'settings from the environment')) out(line);
  return exitCode;
}
