// Types of stack.mjs. Hand-written because TypeScript may not read the .mjs
// itself: allowJs in tsconfig.json would pull it into tsconfig.bench.json's
// program, outside that program's rootDir. test/unit/stack-config.test.ts runs
// the .mjs against these types and against src/config.ts.

export interface StackUser {
  username: string;
  password: string;
  projectName: string;
  projectId: string;
  userId: string;
  domain: string;
}

export interface Ec2Credential {
  access: string;
  secret: string;
}

/** A user that owns a Swift account (project) and has S3 (EC2) credentials. */
export interface StackStorageUser extends StackUser {
  storageUrl: string;
  ec2: Ec2Credential;
}

/** stack.json, as provision.mjs writes it. */
export interface Stack {
  dataDir: string;
  keystone: { url: string; authUrl: string; region: string };
  swift: { url: string; maxManifestSegments: number };
  /** A proxy of the same cluster with Swift's default max_manifest_segments (1000); stacks set up before it existed lack it. */
  swift1000?: { url: string; maxManifestSegments: number };
  s3api: { url: string; region: string };
  memcached: string;
  /** Barbican (key-manager), unversioned URL; stacks set up before it existed lack it. */
  barbican?: { url: string };
  users: {
    admin: StackUser;
    swift: StackUser;
    /** Barbican's own service user (its authtoken); stacks set up before Barbican lack it. */
    barbican?: StackUser;
    /** The gateway's own Keystone identity (Keystone EC2 credentials). */
    s3gateway: StackUser;
    demo: StackStorageUser;
    alt: StackStorageUser;
    third: StackStorageUser;
  };
  logDir?: string;
}

/** Users every stack has (not the optional barbican). */
export type StackUserKey = Exclude<keyof Stack['users'], 'barbican'>;

/** STACK_DIR, else <repo>/.stack. */
export function stackDir(): string;
/** Reads <dir>/stack.json; throws saying how to start the stack when it is missing, invalid or incomplete. */
export function loadStack(dir?: string): Stack;

/** Who a credentials-file entry acts as: a stack user, or one a test made. */
export type CredentialUser = Pick<StackStorageUser, 'username' | 'password' | 'domain' | 'projectId' | 'ec2'>;

export interface CredentialEntry {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly keystone: { readonly username: string; readonly password: string; readonly userDomainId: string; readonly projectId: string };
}

export function credentialOf(user: CredentialUser): CredentialEntry;
export function credentialsFor(users: readonly CredentialUser[]): { credentials: CredentialEntry[] };
/** Writes the credentials file (mode 0600); returns its path. */
export function writeCredentialsFile(file: string, credentials: readonly CredentialEntry[]): string;

export type SettingValue = string | number | boolean | readonly string[];

/** What callers vary; everything else is the stack's or the gateway's default. */
export interface GatewaySettingsOptions {
  /** Address of both listeners (127.0.0.1). */
  readonly host?: string;
  /** 0 (the default): a free port the kernel picks. */
  readonly port?: number;
  readonly adminPort?: number;
  /** s3.domains (['localhost']). */
  readonly domains?: readonly string[];
  readonly dialect?: 'ucloud' | 'aws';
  /** s3.region (unset: the gateway's default). */
  readonly s3Region?: string;
  /** keystone.authUrl (the stack's), e.g. a fault proxy's. */
  readonly authUrl?: string;
  /** keystone.region (the stack's); null: none. */
  readonly keystoneRegion?: string | null;
  /** keystone.storageUrl template, e.g. http://host/v1/AUTH_{project_id}. */
  readonly storageUrl?: string;
  readonly credentialsFile?: string;
  /** Also Keystone EC2 credentials: the stack's s3gateway user as the service identity. */
  readonly keystoneEc2?: boolean;
  /** s3.storageClasses: S3 class → Swift storage policy, e.g. { STANDARD_IA: 'ec21', GLACIER_IR: 'ec21' }. */
  readonly storageClasses?: Readonly<Record<string, string>>;
  /** log.level ('info'). */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Any other settings, by path: { 'health.intervalMs': 1000 }. */
  readonly settings?: Readonly<Record<string, SettingValue>>;
}

/** The config file's document: nested by setting path. */
export interface GatewaySettings {
  [key: string]: SettingValue | GatewaySettings;
}

/** Without a stack, opts.authUrl is required and keystoneEc2 is refused. */
export function gatewaySettings(stack: Stack | undefined, opts?: GatewaySettingsOptions): GatewaySettings;
/** S3GW_* variable of a setting path, by src/config.ts's rule. */
export function envName(path: string): string;
/** The settings as an env set for loadConfig({ env }). */
export function gatewayEnv(stack: Stack | undefined, opts?: GatewaySettingsOptions): Record<string, string>;
/** The settings as a config file (YAML), `header` lines first as comments. */
export function gatewayYaml(stack: Stack | undefined, opts?: GatewaySettingsOptions, header?: readonly string[]): string;

export interface GatewayFilesOptions extends Omit<GatewaySettingsOptions, 'credentialsFile'> {
  /** Whose keys go into the credentials file (demo and alt). */
  readonly users?: readonly CredentialUser[];
  readonly configName?: string;
  /** credentials.json; the config names it relative to itself. */
  readonly credentialsName?: string;
  readonly header?: readonly string[];
}

/** Writes <dir>/config.yaml and the credentials file beside it (both mode 0600). */
export function writeGatewayFiles(dir: string, stack: Stack, opts?: GatewayFilesOptions): { configFile: string; credentialsFile: string };
