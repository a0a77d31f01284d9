using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>A loopback proxy in front of moto that answers chosen EC2 calls with an AWS error instead of forwarding
/// them: a throttling storm on demand. Everything else reaches moto unchanged.</summary>
public sealed class FaultProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new();
    private readonly string _target;
    private readonly Func<string, int, bool> _fail;
    private readonly ConcurrentDictionary<string, int> _seen = new();
    public ConcurrentQueue<(string Action, bool Failed)> Calls { get; } = new();
    public string Url { get; }

    private readonly string _code;
    private readonly int _status;

    /// <param name="fail">(EC2 action, how many times it was seen including this one) → answer with <paramref name="code"/>.</param>
    public FaultProxy(string target, Func<string, int, bool> fail, string code = "RequestLimitExceeded", int status = 503)
    {
        _code = code;
        _status = status;
        _target = target.TrimEnd('/');
        _fail = fail;
        Url = $"http://127.0.0.1:{MotoServer.FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(Loop);
    }

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var text = Encoding.UTF8.GetString(body);
        var action = text.Split('&').FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal))?[7..] ?? ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
        var n = _seen.AddOrUpdate(action, 1, (_, c) => c + 1);
        if (_fail(action, n))
        {
            Calls.Enqueue((action, true));
            var xml = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + _code + "</Code><Message>" + _code + " (fault proxy)</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>");
            ctx.Response.StatusCode = _status;
            ctx.Response.ContentType = "text/xml";
            ctx.Response.ContentLength64 = xml.Length;
            ctx.Response.OutputStream.Write(xml);
            ctx.Response.Close();
            return;
        }
        Calls.Enqueue((action, false));
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.HttpMethod), _target + ctx.Request.RawUrl) { Content = new ByteArrayContent(body) };
        foreach (var name in ctx.Request.Headers.AllKeys.OfType<string>())
        {
            if (name is "Host" or "Content-Length" or "Connection" or "Expect") continue;
            var value = ctx.Request.Headers[name]!;
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _upstream.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();
        ctx.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type) ctx.Response.ContentType = type.ToString();
        ctx.Response.ContentLength64 = answer.Length;
        ctx.Response.OutputStream.Write(answer);
        ctx.Response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _upstream.Dispose();
    }
}
