using System.Diagnostics;

namespace AmiAudit.Aws.Plumbing;

/// <summary>
/// <c>--max-api-rate</c>: every HTTP attempt to AWS (retries included) takes the next free slot of an evenly spaced
/// schedule, so the run never exceeds N requests per second whatever its concurrency. No bursts: a burst is what
/// trips EC2's request-rate limit for everything else in the account.
/// </summary>
public sealed class ApiRateLimiter(double perSecond)
{
    private readonly object _gate = new();
    private readonly long _interval = perSecond > 0 ? (long)(Stopwatch.Frequency / perSecond) : 0;
    private long _next;

    /// <summary>Requests that went out (tests and the trace read it).</summary>
    public long Requests => Interlocked.Read(ref _requests);
    private long _requests;

    public async ValueTask WaitAsync(CancellationToken cancel)
    {
        Interlocked.Increment(ref _requests);
        if (_interval == 0) return;
        long wait;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var slot = Math.Max(now, _next);
            _next = slot + _interval;
            wait = slot - now;
        }
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancel).ConfigureAwait(false);
    }
}

/// <summary>The HTTP handler every AWS client sends through: the rate guard, then the socket.</summary>
internal sealed class RateLimitedHandler(ApiRateLimiter limiter, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Gives the SDK our handler chain (one HttpClient per client config, as the SDK would cache it).</summary>
internal sealed class GuardedHttpClientFactory(ApiRateLimiter limiter, TimeSpan timeout) : Amazon.Runtime.HttpClientFactory
{
    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig)
    {
        var sockets = new SocketsHttpHandler
        {
            // S3 and EC2 answer redirects for wrong-region requests; the SDK handles those itself.
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = timeout < TimeSpan.FromSeconds(10) ? timeout : TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = 64,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = true,
        };
        return new HttpClient(new RateLimitedHandler(limiter, sockets)) { Timeout = timeout };
    }
}
