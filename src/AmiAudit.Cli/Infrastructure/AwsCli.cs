using System.CommandLine;
using System.Globalization;
using AmiAudit.Aws.Ec2;
using AmiAudit.Aws.Plumbing;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// The AWS options every AWS-touching verb shares (collect --ec2 / --out s3://, fleet, diff with ec2:/s3:// sides,
/// scan --snapshot s3://), defined once so names, help and behaviour agree, and the one place a session is opened.
/// AWS failures are <see cref="AwsFailure"/>s that Program turns into exit 4 with one line.
/// </summary>
public sealed class AwsCli
{
    public Option<string?> Region { get; } = new("--region") { Description = "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)." };
    public Option<string?> Profile { get; } = new("--profile") { Description = "Named profile from ~/.aws/config or ~/.aws/credentials (SSO profiles included)." };
    public Option<string?> EndpointUrl { get; } = new("--endpoint-url") { Description = "Send AWS calls to this endpoint (a VPC endpoint, a test server); default AWS_ENDPOINT_URL[_EC2|_S3|_SSM]." };
    public Option<double> MaxApiRate { get; } = new("--max-api-rate") { Description = "At most this many AWS requests per second, retries included (0 = no limit).", DefaultValueFactory = _ => 0 };
    public Option<string> Timeout { get; } = new("--aws-timeout") { Description = "Per-request timeout for AWS calls (e.g. 30s); the SDK's standard retry mode retries throttling and timeouts 3 times.", DefaultValueFactory = _ => "30s" };

    public IEnumerable<Option> All => [Region, Profile, EndpointUrl, MaxApiRate, Timeout];

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    public AwsOptions Read(ParseResult parse, CliContext context)
    {
        var rate = parse.GetValue(MaxApiRate);
        if (rate < 0 || double.IsNaN(rate)) throw new UsageException($"--max-api-rate: {rate.ToString(CultureInfo.InvariantCulture)} is not a rate (requests per second, 0 = no limit)");
        var timeout = Durations.Parse(parse.GetValue(Timeout), "--aws-timeout");
        if (timeout <= TimeSpan.Zero) throw new UsageException("--aws-timeout must be more than 0s");
        return new AwsOptions
        {
            Region = parse.GetValue(Region),
            Profile = parse.GetValue(Profile),
            EndpointUrl = parse.GetValue(EndpointUrl),
            MaxApiRate = rate,
            Timeout = timeout,
            Environment = context.Environment,
        };
    }

    /// <summary>Opens the session (region and credentials resolved now): a bad region is exit 2, no credentials exit 4.</summary>
    public static AwsSession Open(AwsOptions options, CliContext context)
    {
        try
        {
            return AwsSession.OpenAsync(options, context.Interruption.Token).GetAwaiter().GetResult();
        }
        catch (AwsConfigurationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static IReadOnlyList<Ec2Filter> Filters(IEnumerable<string> texts, string option)
    {
        var list = new List<Ec2Filter>();
        foreach (var t in texts)
        {
            try
            {
                list.Add(Ec2Filter.Parse(t));
            }
            catch (FormatException e)
            {
                throw new UsageException($"{option} {e.Message}");
            }
        }
        return list;
    }
}
