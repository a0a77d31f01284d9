using System.Text.RegularExpressions;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;

namespace AmiAudit.Aws.Plumbing;

/// <summary>
/// The AWS plumbing, done once per run: region, endpoint, credentials (resolved eagerly, so a missing one is one
/// line before any work), the SDK's standard retry mode, per-attempt timeouts and the <c>--max-api-rate</c> guard,
/// shared by the EC2, S3 and SSM clients. Every call goes through <see cref="Call{T}"/>, which turns a final
/// failure into an <see cref="AwsFailure"/> naming the operation.
/// </summary>
public sealed partial class AwsSession : IDisposable
{
    static AwsSession()
    {
        // SDK v4 returns null for empty lists unless asked; every caller here then sees [] and never null.
        AWSConfigs.InitializeCollections = true;
    }

    private readonly AWSCredentials _credentials;
    private readonly Lazy<AmazonEC2Client> _ec2;
    private readonly Lazy<AmazonS3Client> _s3;
    private readonly Lazy<AmazonSimpleSystemsManagementClient> _ssm;

    public AwsOptions Options { get; }
    public string Region { get; }
    public ApiRateLimiter Limiter { get; }
    /// <summary>"https://ec2.us-east-1.amazonaws.com" or the endpoint override, for messages.</summary>
    public string EndpointDescription { get; }
    /// <summary>" — is 'us-eest-1' a region? …" when the region is not one the SDK knows; else empty.</summary>
    public string RegionHint { get; }

    private AwsSession(AwsOptions options, string region, AWSCredentials credentials)
    {
        Options = options;
        Region = region;
        _credentials = credentials;
        Limiter = new ApiRateLimiter(options.MaxApiRate);
        EndpointDescription = Endpoint("EC2") ?? $"AWS in {region}";
        RegionHint = IsKnownRegion(region) ? "" : $" — '{region}' is not a region this amiaudit knows; check --region";
        _ec2 = new(() => new AmazonEC2Client(_credentials, Configure(new AmazonEC2Config(), "EC2")));
        _s3 = new(() => new AmazonS3Client(_credentials, Configure(new AmazonS3Config { ForcePathStyle = Endpoint("S3") is not null }, "S3")));
        _ssm = new(() => new AmazonSimpleSystemsManagementClient(_credentials, Configure(new AmazonSimpleSystemsManagementConfig(), "SSM")));
    }

    public IAmazonEC2 Ec2 => _ec2.Value;
    public IAmazonS3 S3 => _s3.Value;
    public IAmazonSimpleSystemsManagement Ssm => _ssm.Value;

    /// <summary>Resolves region and credentials now. Throws <see cref="AwsFailure"/> (exit 4) when there are no
    /// credentials, <see cref="AwsConfigurationException"/> (exit 2) for a missing or malformed region.</summary>
    public static async Task<AwsSession> OpenAsync(AwsOptions options, CancellationToken cancel)
    {
        var region = ResolveRegion(options);
        var credentials = ResolveCredentials(options);
        try
        {
            // Forces the chain (profile files, SSO cache, web identity, IMDS) to produce keys now, not mid-run.
            await credentials.GetCredentialsAsync().WaitAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or HttpRequestException or InvalidOperationException)
        {
            throw new AwsFailure(NoCredentialsException.Sources(options) + $" ({AwsFailure.OneLine(e.Message)})", inner: e);
        }
        return new AwsSession(options, region, credentials);
    }

    /// <summary>One AWS call: runs it, and turns its final failure into an <see cref="AwsFailure"/> ("EC2 DescribeInstances: …").</summary>
    public async Task<T> Call<T>(string call, Func<CancellationToken, Task<T>> send, CancellationToken cancel)
    {
        try
        {
            return await send(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not AwsFailure)
        {
            throw AwsFailure.From(e, call, this);
        }
    }

    private T Configure<T>(T config, string service) where T : ClientConfig
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = Options.MaxRetries;
        config.Timeout = Options.Timeout;
        config.HttpClientFactory = new GuardedHttpClientFactory(Limiter, Options.Timeout);
        if (Endpoint(service) is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }
        return config;
    }

    private string? Endpoint(string service) =>
        Options.EndpointUrl ?? Options.Env("AWS_ENDPOINT_URL_" + service) ?? Options.Env("AWS_ENDPOINT_URL");

    private static string ResolveRegion(AwsOptions options)
    {
        var region = options.Region ?? options.Env("AWS_REGION") ?? options.Env("AWS_DEFAULT_REGION");
        if (region is null && (options.Profile ?? options.Env("AWS_PROFILE")) is { } profile
            && new CredentialProfileStoreChain().TryGetProfile(profile, out var p) && p.Region is { } r)
            region = r.SystemName;
        if (region is null)
            throw new AwsConfigurationException("no AWS region: give --region (e.g. --region us-east-1) or set AWS_REGION");
        if (!RegionShape().IsMatch(region))
            throw new AwsConfigurationException($"--region '{region}' is not a region name (like us-east-1){Suggest(region)}");
        // A typo would otherwise surface as a DNS failure per call. With an endpoint override (a private endpoint,
        // a test server) any name goes; a region newer than this SDK also needs one.
        var overridden = options.EndpointUrl ?? options.Env("AWS_ENDPOINT_URL") ?? options.Env("AWS_ENDPOINT_URL_EC2") ?? options.Env("AWS_ENDPOINT_URL_S3") ?? options.Env("AWS_ENDPOINT_URL_SSM");
        if (overridden is null && !IsKnownRegion(region))
            throw new AwsConfigurationException($"--region '{region}' is not an AWS region{Suggest(region)}; for a region newer than this amiaudit give its endpoint with --endpoint-url");
        return region;
    }

    private static AWSCredentials ResolveCredentials(AwsOptions options)
    {
        // The injected environment first (the CLI passes the process's own; tests pass theirs).
        if (options.Env("AWS_ACCESS_KEY_ID") is { } key && options.Env("AWS_SECRET_ACCESS_KEY") is { } secret && options.Profile is null)
            return options.Env("AWS_SESSION_TOKEN") is { } token ? new SessionAWSCredentials(key, secret, token) : new BasicAWSCredentials(key, secret);
        if (options.Profile is { } profile)
        {
            if (new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)) return fromProfile;
            throw new AwsFailure($"--profile {profile}: no such profile with credentials in ~/.aws/credentials or ~/.aws/config (list them with 'aws configure list-profiles')");
        }
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException e)
        {
            throw new AwsFailure(NoCredentialsException.Sources(options), inner: e);
        }
    }

    public static bool IsKnownRegion(string region) =>
        RegionEndpoint.EnumerableAllRegions.Any(r => string.Equals(r.SystemName, region, StringComparison.Ordinal));

    /// <summary>" (did you mean us-east-1?)" for a near miss of a known region.</summary>
    public static string Suggest(string region)
    {
        var best = RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName)
            .Select(n => (Name: n, Distance: Distance(n, region.ToLowerInvariant().Trim())))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= 3 ? $" (did you mean {best.Name}?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionShape();

    public void Dispose()
    {
        if (_ec2.IsValueCreated) _ec2.Value.Dispose();
        if (_s3.IsValueCreated) _s3.Value.Dispose();
        if (_ssm.IsValueCreated) _ssm.Value.Dispose();
    }
}

/// <summary>A region or endpoint that cannot be right (usage error, exit 2).</summary>
public sealed class AwsConfigurationException(string message) : Exception(message);
