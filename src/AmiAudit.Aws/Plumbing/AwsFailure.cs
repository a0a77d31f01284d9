using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Amazon.Runtime;

namespace AmiAudit.Aws.Plumbing;

/// <summary>
/// An AWS call failed for good (after the SDK's retries): one line that names the service, the operation, AWS's
/// error code and what to do about it. The CLI prints it and exits 4 ("collection failed / AWS unreachable"),
/// after keeping whatever was collected before it. Never a stack trace, never exit 70.
/// </summary>
public sealed class AwsFailure(string message, bool throttled = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Throttled { get; } = throttled;

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "RequestThrottled",
        "RequestThrottledException", "SlowDown", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "EC2ThrottledException", "BandwidthLimitExceeded", "PriorRequestNotComplete",
    };

    private static readonly HashSet<string> CredentialCodes = new(StringComparer.Ordinal)
    {
        "AuthFailure", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "RequestExpired", "SignatureDoesNotMatch",
        "InvalidAccessKeyId", "UnrecognizedClientException", "InvalidToken", "AccessDenied", "AccessDeniedException",
        "UnauthorizedOperation", "IncompleteSignature", "MissingAuthenticationToken",
    };

    public static bool IsThrottling(string? code) => code is not null && ThrottlingCodes.Contains(code);

    /// <summary>Turns whatever the SDK threw into one line (<paramref name="call"/> = "EC2 DescribeInstances").</summary>
    public static AwsFailure From(Exception e, string call, AwsSession? session)
    {
        switch (e)
        {
            case AwsFailure f:
                return f;
            case AmazonServiceException s when IsThrottling(s.ErrorCode) || s.StatusCode == HttpStatusCode.TooManyRequests:
                return new AwsFailure($"{call}: throttled by AWS ({s.ErrorCode ?? ((int)s.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}) after {session?.Options.MaxRetries ?? 3} retries in the SDK's standard retry mode; "
                    + "run again later or lower --max-api-rate", throttled: true, e);
            case AmazonServiceException s when s.ErrorCode is { } code && CredentialCodes.Contains(code):
                return new AwsFailure($"{call}: {code}: {OneLine(s.Message)} — the credentials were refused or lack permission "
                    + "(refresh them: new session token, 'aws sso login', or check the IAM policy for this call)", inner: e);
            case AmazonServiceException s:
                return new AwsFailure($"{call}: {s.ErrorCode ?? "error"} (HTTP {(int)s.StatusCode}): {OneLine(s.Message)}", inner: e);
            case NoCredentialsException n:
                return new AwsFailure(n.Message, inner: e);
            case AmazonClientException c when Unreachable(c) is { } why:
                return new AwsFailure($"{call}: cannot reach {session?.EndpointDescription ?? "AWS"}: {why}{session?.RegionHint}", inner: e);
            case AmazonClientException c when c.Message.Contains("credential", StringComparison.OrdinalIgnoreCase):
                return new AwsFailure($"{call}: {NoCredentialsException.Sources(session?.Options)} ({OneLine(c.Message)})", inner: e);
            case AmazonClientException c:
                return new AwsFailure($"{call}: {OneLine(c.Message)}", inner: e);
            case HttpRequestException or SocketException or IOException:
                return new AwsFailure($"{call}: cannot reach {session?.EndpointDescription ?? "AWS"}: {OneLine(Innermost(e).Message)}{session?.RegionHint}", inner: e);
            case TaskCanceledException or TimeoutException:
                return new AwsFailure($"{call}: no answer within {session?.Options.Timeout.TotalSeconds ?? 30:0.#} s (--timeout) from {session?.EndpointDescription ?? "AWS"}", inner: e);
            default:
                return new AwsFailure($"{call}: {e.GetType().Name}: {OneLine(e.Message)}", inner: e);
        }
    }

    private static string? Unreachable(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is HttpRequestException or SocketException) return OneLine(Innermost(x).Message);
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    public static string OneLine(string? s) =>
        string.Join(' ', (s ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>No source of the default credential chain had credentials: the one line names them all and what to set.</summary>
public sealed class NoCredentialsException(string message, Exception? inner = null) : Exception(message, inner)
{
    public static string Sources(AwsOptions? options)
    {
        var imds = options?.Env("AWS_EC2_METADATA_DISABLED") is { } d && d.Equals("true", StringComparison.OrdinalIgnoreCase)
            ? "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)"
            : "EC2 instance metadata (IMDSv2; not on an instance)";
        var profile = options?.Profile ?? options?.Env("AWS_PROFILE") ?? "default";
        return "no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY), "
            + $"profile '{profile}' (~/.aws/credentials, ~/.aws/config incl. SSO), web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), "
            + $"container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI), {imds} — set one of them, e.g. export AWS_PROFILE=NAME or run on an instance with a role";
    }
}
