using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>
/// SSM's JSON 1.1 API on loopback, for what moto cannot do: moto reports Success for every invocation without
/// running anything, so the outcomes a real fleet produces (Failed with stderr, Undeliverable, an instance that is
/// not a managed node, a slow InProgress) are scripted here per instance. EC2 still comes from moto.
/// </summary>
public sealed class FakeSsm : IDisposable
{
    public sealed record Script(string Status, string Details, string? Stderr = null, int ResponseCode = 0);

    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Script> _outcomes;
    private readonly HashSet<string> _managed;
    private readonly ConcurrentDictionary<string, List<string>> _commands = new();
    private readonly ConcurrentDictionary<string, int> _polls = new();
    private readonly CancellationTokenSource _stop = new();
    public ConcurrentQueue<string> Calls { get; } = new();
    public ConcurrentBag<JsonObject> Sent { get; } = [];
    public string Url { get; }

    public FakeSsm(Dictionary<string, Script> outcomes, IEnumerable<string> managed)
    {
        _outcomes = outcomes;
        _managed = [.. managed];
        var port = MotoServer.FreePort();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(Loop);
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { Handle(ctx); }
            catch (Exception e) { Reply(ctx, 500, new JsonObject { ["__type"] = "InternalServerError", ["message"] = e.Message }); }
        }
    }

    private void Handle(HttpListenerContext ctx)
    {
        var target = (ctx.Request.Headers["X-Amz-Target"] ?? "").Split('.').Last();
        Calls.Enqueue(target);
        using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
        var body = JsonNode.Parse(reader.ReadToEnd()) as JsonObject ?? [];
        switch (target)
        {
            case "DescribeInstanceInformation":
                var ids = body["Filters"]?.AsArray().SelectMany(f => f!["Values"]!.AsArray().Select(v => v!.GetValue<string>())).ToList() ?? [];
                Reply(ctx, 200, new JsonObject { ["InstanceInformationList"] = new JsonArray([.. ids.Where(_managed.Contains).Select(id => (JsonNode)new JsonObject { ["InstanceId"] = id, ["PingStatus"] = "Online" })]) });
                return;
            case "SendCommand":
                Sent.Add(body);
                var id = Guid.NewGuid().ToString();
                // A tag target reaches the managed nodes SSM resolves it to (all managed ones here); ids reach those named.
                _commands[id] = body["InstanceIds"] is JsonArray named && named.Count > 0
                    ? [.. named.Select(v => v!.GetValue<string>())]
                    : [.. _managed.Order(StringComparer.Ordinal)];
                Reply(ctx, 200, new JsonObject { ["Command"] = new JsonObject { ["CommandId"] = id, ["Status"] = "Pending" } });
                return;
            case "ListCommandInvocations":
                var command = body["CommandId"]!.GetValue<string>();
                // The first poll sees everything InProgress: the orchestration must keep polling.
                var first = _polls.AddOrUpdate(command, 1, (_, n) => n + 1) == 1;
                Reply(ctx, 200, new JsonObject
                {
                    ["CommandInvocations"] = new JsonArray([.. _commands[command].Select(i => (JsonNode)new JsonObject
                    {
                        ["CommandId"] = command,
                        ["InstanceId"] = i,
                        ["Status"] = first ? "InProgress" : _outcomes[i].Status,
                        ["StatusDetails"] = first ? "InProgress" : _outcomes[i].Details,
                    })]),
                });
                return;
            case "GetCommandInvocation":
                var instance = body["InstanceId"]!.GetValue<string>();
                var o = _outcomes[instance];
                Reply(ctx, 200, new JsonObject
                {
                    ["CommandId"] = body["CommandId"]!.GetValue<string>(),
                    ["InstanceId"] = instance,
                    ["Status"] = o.Status,
                    ["StatusDetails"] = o.Details,
                    ["ResponseCode"] = o.ResponseCode,
                    ["StandardErrorContent"] = o.Stderr ?? "",
                });
                return;
            default:
                Reply(ctx, 400, new JsonObject { ["__type"] = "InvalidAction", ["message"] = $"{target} is not faked" });
                return;
        }
    }

    private static void Reply(HttpListenerContext ctx, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/x-amz-json-1.1";
        ctx.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        ctx.Response.ContentLength64 = bytes.Length;
        ctx.Response.OutputStream.Write(bytes);
        ctx.Response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
    }
}
