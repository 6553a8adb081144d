/** The `--help` text. */
export const USAGE = `Usage:
  pg-redshift-iam env  [options] [--json]
  pg-redshift-iam exec [options] -- <command> [args...]

Fetches temporary Amazon Redshift credentials with your AWS identity (IAM) for psql, DBeaver
and scripts.

Commands:
  env      Print PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE as shell exports,
           for: eval "$(pg-redshift-iam env --host ... --database dev)"
  exec     Run <command> with those variables set and exit with its exit code.

Connection (flags win over the variables in brackets):
  --host <host>                Cluster, workgroup or VPC endpoint, custom domain,
                               or a tunnel; optional with --cluster-identifier
                               or --workgroup-name (the address is looked up)    [PGHOST]
  --port <port>                Default 5439 for Redshift endpoints, else 5432    [PGPORT]
  --database <name>            Database to log in to                             [PGDATABASE]
  --sslmode <mode>             libpq sslmode; default verify-full for Redshift
                               endpoints and custom domains, else prefer         [PGSSLMODE]

IAM:
  --cluster-identifier <id>    Provisioned cluster; inferred from a cluster endpoint,
                               looked up for a VPC endpoint or custom domain
  --workgroup-name <name>      Serverless workgroup; likewise
  --region <region>            Inferred from the endpoint, else AWS_REGION or the profile
  --db-user <user>             Provisioned: log in as this user (GetClusterCredentials);
                               without it your IAM identity is the user
  --auto-create                With --db-user: create the user if it does not exist
  --db-group <group>           With --db-user: join this group (repeatable)
  --custom-domain-name <name>  The cluster's or workgroup's custom domain name
  --duration-seconds <n>       Password lifetime, 900 to 3600 (default 900)
  --profile <name>             AWS profile                                       [AWS_PROFILE]
  --endpoint <url>             Redshift API endpoint   [AWS_ENDPOINT_URL_REDSHIFT(_SERVERLESS)]
  --role-arn <arn>             Assume this IAM role (cross-account) with STS first
  --external-id <id>           With --role-arn: the ExternalId the role requires
  --role-session-name <name>   With --role-arn: default pg-redshift-iam
  --sts-endpoint <url>         With --role-arn: STS API endpoint           [AWS_ENDPOINT_URL_STS]

Other:
  --json                       env: print a JSON object instead of shell exports
  -h, --help                   Show this help
  --version                    Show the version

Exit codes: 0 success; 1 AWS or other failure; 2 usage error or invalid option.
exec exits with the command's code (128+n when signal n ended it; 127 when not found).
Debug output: NODE_DEBUG=pg-redshift-iam (never shows passwords).
`;
