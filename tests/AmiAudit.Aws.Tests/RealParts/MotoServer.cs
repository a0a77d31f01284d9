using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AmiAudit.Aws.Plumbing;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>
/// A real <c>moto_server</c> (EC2, S3, SSM) on a free loopback port, one per test class (xunit class fixture),
/// stopped by its PID when the class is done. The environment it hands out is what the CLI gets injected:
/// static test keys, the endpoint, a region and IMDS disabled (so nothing waits on 169.254.169.254).
/// </summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process _process;
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    public MotoServer()
    {
        // The SDK's own chain (used when the injected environment has no keys) reads the process environment.
        System.Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Port = FreePort();
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                http.GetAsync(Url + "/moto-api/").GetAwaiter().GetResult();
                break;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_process.HasExited)
            {
                Thread.Sleep(200);
            }
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>What the CLI (or a child process) needs to talk to this server.</summary>
    public Dictionary<string, string> Environment(string region = "us-east-1") => new(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_REGION"] = region,
        ["AWS_ENDPOINT_URL"] = Url,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public AwsSession Session(string region = "us-east-1") =>
        AwsSession.OpenAsync(new AwsOptions { Environment = Environment(region) }, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Forgets every resource (moto's reset API), so a test starts from an empty account.</summary>
    public void Reset()
    {
        using var http = new HttpClient();
        http.PostAsync(Url + "/moto-api/reset", null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
