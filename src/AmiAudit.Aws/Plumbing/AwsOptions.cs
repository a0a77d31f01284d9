namespace AmiAudit.Aws.Plumbing;

/// <summary>
/// How to reach AWS, from the command line and the environment (the CLI passes its injected environment, so tests
/// and the process agree). Region: <c>--region</c>, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region.
/// Endpoint: <c>--endpoint-url</c>, else AWS_ENDPOINT_URL_&lt;SERVICE&gt; (EC2, S3, SSM), else AWS_ENDPOINT_URL.
/// </summary>
public sealed record AwsOptions
{
    public string? Region { get; init; }
    public string? Profile { get; init; }
    public string? EndpointUrl { get; init; }
    /// <summary>Requests per second across every AWS call of the run (0 = unlimited). A guard for shared accounts:
    /// EC2's own request-rate limits are per account and region, and an audit must not starve the autoscaler.</summary>
    public double MaxApiRate { get; init; }
    /// <summary>Per HTTP attempt (the SDK retries inside this budget per attempt).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Retries per request in the SDK's standard retry mode (exponential backoff with jitter, throttling-aware).</summary>
    public int MaxRetries { get; init; } = 3;
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? Env(string name) => Environment.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}
