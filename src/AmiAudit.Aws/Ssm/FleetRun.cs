using AmiAudit.Aws.Ec2;
using AmiAudit.Aws.Plumbing;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace AmiAudit.Aws.Ssm;

public sealed record FleetRequest
{
    /// <summary>tag:K=V, availability-zone=AZ, instance ids — ANDed, as EC2 filters are.</summary>
    public IReadOnlyList<Ec2Filter> Targets { get; init; } = [];
    /// <summary>AWS-RunShellScript's commands (see <see cref="NodeCommand"/>).</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];
    public string DocumentName { get; init; } = "AWS-RunShellScript";
    public string MaxConcurrency { get; init; } = "10%";
    public string MaxErrors { get; init; } = "10%";
    /// <summary>executionTimeout of the document: how long one node's collect may take.</summary>
    public TimeSpan ExecutionTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How long SSM may take to deliver to a node (SendCommand TimeoutSeconds).</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public string? Comment { get; init; } = "amiaudit fleet collect";
    /// <summary>First poll delay; doubles (×1.5) up to <see cref="PollMax"/>.</summary>
    public TimeSpan PollInitial { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan PollMax { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Give up waiting after this (instances still running are reported TimedOut). Default: delivery + execution + 1 min.</summary>
    public TimeSpan? Deadline { get; init; }
}

public sealed record FleetResult(IReadOnlyList<InstanceRun> Instances, IReadOnlyList<string> CommandIds, IReadOnlyList<string> Notes)
{
    public int Succeeded => Instances.Count(i => i.Outcome == RunOutcome.Success);
}

/// <summary>
/// <c>fleet collect --ssm</c>: runs the node command on every instance the targets select, through SSM Run Command.
/// <list type="number">
/// <item>Targets are resolved with EC2 (running instances), so an instance SSM cannot reach is still listed — as
/// <see cref="RunOutcome.NoAgent"/> when DescribeInstanceInformation does not know it;</item>
/// <item>SendCommand: one command with <c>Targets tag:K=V</c> when the targets are tags only (MaxConcurrency and
/// MaxErrors then apply fleet-wide, as SSM intends), else InstanceIds in commands of ≤50 (SSM's limit);</item>
/// <item>ListCommandInvocations is polled with backoff until every instance is terminal or the deadline passes;
/// a failed instance's first stderr line comes from GetCommandInvocation.</item>
/// </list>
/// The result lists every targeted instance exactly once. AWS failures propagate as <see cref="AwsFailure"/>; the
/// caller keeps what it has.
/// </summary>
public sealed class FleetRun(AwsSession session, TimeProvider clock)
{
    private const int InstanceIdsPerCommand = 50;

    /// <param name="progress">Called after each poll with every instance's current state (the CLI's live table).</param>
    public async Task<FleetResult> RunAsync(FleetRequest request, Action<IReadOnlyList<InstanceRun>>? progress, CancellationToken cancel)
    {
        var notes = new List<string>();
        var inventory = new Ec2Inventory(session);
        var zones = new Dictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var page in inventory.InstancePagesAsync(new InventoryRequest { Filters = request.Targets, States = ["running"] }, cancel).ConfigureAwait(false))
            foreach (var i in page) zones[i.InstanceId] = i.Placement?.AvailabilityZone;
        var runs = new SortedDictionary<string, InstanceRun>(StringComparer.Ordinal);
        foreach (var (id, az) in zones) runs[id] = new InstanceRun(id, az, RunOutcome.Pending, "Pending");
        if (runs.Count == 0) return new FleetResult([], [], ["no running instance matches the targets"]);

        var managed = await ManagedInstances([.. runs.Keys], notes, cancel).ConfigureAwait(false);
        if (managed is not null)
            foreach (var id in runs.Keys.Where(id => !managed.Contains(id)).ToList())
                runs[id] = runs[id] with { Outcome = RunOutcome.NoAgent, Status = "NoAgent", Detail = "not an SSM managed node (no agent, no instance profile with AmazonSSMManagedInstanceCore, or no route to SSM)" };
        var sendTo = runs.Values.Where(r => !r.IsTerminal).Select(r => r.InstanceId).ToList();
        progress?.Invoke([.. runs.Values]);

        var commandIds = new List<string>();
        var members = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal); // null: a tag target, any instance
        var tagOnly = request.Targets.Count > 0 && request.Targets.All(t => t.Name.StartsWith("tag:", StringComparison.Ordinal));
        if (sendTo.Count > 0)
        {
            if (tagOnly)
            {
                var id = await Send(request, [.. request.Targets.Select(t => new Target { Key = t.Name, Values = [.. t.Values] })], null, cancel).ConfigureAwait(false);
                commandIds.Add(id);
                members[id] = null;
            }
            else
            {
                foreach (var chunk in sendTo.Chunk(InstanceIdsPerCommand))
                {
                    var id = await Send(request, null, [.. chunk], cancel).ConfigureAwait(false);
                    commandIds.Add(id);
                    members[id] = new HashSet<string>(chunk, StringComparer.Ordinal);
                }
            }
        }

        var deadline = clock.GetUtcNow() + (request.Deadline ?? request.DeliveryTimeout + request.ExecutionTimeout + TimeSpan.FromMinutes(1));
        var delay = request.PollInitial;
        var listSupported = true;
        while (runs.Values.Any(r => !r.IsTerminal) && commandIds.Count > 0)
        {
            if (clock.GetUtcNow() >= deadline)
            {
                foreach (var r in runs.Values.Where(r => !r.IsTerminal).ToList())
                    runs[r.InstanceId] = r with { Outcome = RunOutcome.TimedOut, Status = "NoFinalStatus", Detail = $"no final status from SSM within {(request.Deadline ?? request.DeliveryTimeout + request.ExecutionTimeout + TimeSpan.FromMinutes(1)).TotalMinutes:0.#} min" };
                break;
            }
            await Task.Delay(delay, clock, cancel).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(request.PollMax.TotalMilliseconds, delay.TotalMilliseconds * 1.5));
            foreach (var commandId in commandIds)
            {
                if (listSupported)
                {
                    try
                    {
                        await PollList(commandId, runs, cancel).ConfigureAwait(false);
                        continue;
                    }
                    catch (AwsFailure e) when (NotImplemented(e))
                    {
                        listSupported = false;
                        notes.Add("ListCommandInvocations is not available at this endpoint; polled GetCommandInvocation per instance instead");
                    }
                }
                await PollEach(commandId, members[commandId], runs, cancel).ConfigureAwait(false);
            }
            if (tagOnly && managed is null && runs.Values.Any(r => !r.IsTerminal) && await CommandFinished(commandIds[0], cancel).ConfigureAwait(false))
            {
                // The command is over and SSM never invoked these: they matched the tag in EC2 but are not managed nodes.
                foreach (var r in runs.Values.Where(r => !r.IsTerminal).ToList())
                    runs[r.InstanceId] = r with { Outcome = RunOutcome.NoAgent, Status = "NotInvoked", Detail = "SSM did not invoke it for the tag target (not an SSM managed node)" };
            }
            progress?.Invoke([.. runs.Values]);
        }

        // Tag targets may reach instances EC2 did not list as running at resolution time (just started): report them too.
        return new FleetResult([.. runs.Values], commandIds, notes);
    }

    private async Task<bool> CommandFinished(string commandId, CancellationToken cancel)
    {
        var list = await session.Call("SSM ListCommands", ct => session.Ssm.ListCommandsAsync(new ListCommandsRequest { CommandId = commandId }, ct), cancel).ConfigureAwait(false);
        return list.Commands.FirstOrDefault()?.Status?.Value is "Success" or "Failed" or "TimedOut" or "Cancelled";
    }

    private async Task<string> Send(FleetRequest request, List<Target>? targets, List<string>? ids, CancellationToken cancel)
    {
        var response = await session.Call("SSM SendCommand", ct => session.Ssm.SendCommandAsync(new SendCommandRequest
        {
            DocumentName = request.DocumentName,
            Targets = targets,
            InstanceIds = ids,
            MaxConcurrency = request.MaxConcurrency,
            MaxErrors = request.MaxErrors,
            TimeoutSeconds = (int)Math.Clamp(request.DeliveryTimeout.TotalSeconds, 30, 2592000),
            Comment = request.Comment,
            Parameters = new Dictionary<string, List<string>>
            {
                ["commands"] = [.. request.Commands],
                ["executionTimeout"] = [((int)Math.Clamp(request.ExecutionTimeout.TotalSeconds, 1, 172800)).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            },
        }, ct), cancel).ConfigureAwait(false);
        return response.Command.CommandId;
    }

    /// <summary>Managed node ids among <paramref name="ids"/>, or null when the endpoint cannot say (then all are sent to).</summary>
    private async Task<HashSet<string>?> ManagedInstances(List<string> ids, List<string> notes, CancellationToken cancel)
    {
        var managed = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var chunk in ids.Chunk(InstanceIdsPerCommand))
            {
                string? token = null;
                do
                {
                    var page = await session.Call("SSM DescribeInstanceInformation", ct => session.Ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
                    {
                        Filters = [new InstanceInformationStringFilter { Key = "InstanceIds", Values = [.. chunk] }],
                        NextToken = token,
                    }, ct), cancel).ConfigureAwait(false);
                    foreach (var info in page.InstanceInformationList) managed.Add(info.InstanceId);
                    token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
                } while (token is not null);
            }
        }
        catch (AwsFailure e) when (NotImplemented(e))
        {
            notes.Add("DescribeInstanceInformation is not available at this endpoint; every targeted instance was sent the command");
            return null;
        }
        return managed;
    }

    private async Task PollList(string commandId, SortedDictionary<string, InstanceRun> runs, CancellationToken cancel)
    {
        string? token = null;
        var failed = new List<string>();
        do
        {
            var page = await session.Call("SSM ListCommandInvocations", ct => session.Ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest
            {
                CommandId = commandId,
                NextToken = token,
            }, ct), cancel).ConfigureAwait(false);
            foreach (var inv in page.CommandInvocations)
            {
                var outcome = InvocationStatus.Map(inv.Status?.Value, inv.StatusDetails);
                var known = runs.TryGetValue(inv.InstanceId, out var run) ? run : new InstanceRun(inv.InstanceId, null, RunOutcome.Pending, "Pending");
                if (known.IsTerminal) continue;
                runs[inv.InstanceId] = known with { Outcome = outcome, Status = inv.StatusDetails ?? inv.Status?.Value ?? "Pending" };
                if (outcome is RunOutcome.Failed or RunOutcome.TimedOut) failed.Add(inv.InstanceId);
            }
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        } while (token is not null);
        foreach (var id in failed) await AddStderr(commandId, id, runs, cancel).ConfigureAwait(false);
    }

    private async Task PollEach(string commandId, HashSet<string>? members, SortedDictionary<string, InstanceRun> runs, CancellationToken cancel)
    {
        foreach (var run in runs.Values.Where(r => !r.IsTerminal && (members is null || members.Contains(r.InstanceId))).ToList())
        {
            GetCommandInvocationResponse inv;
            try
            {
                inv = await session.Call("SSM GetCommandInvocation", ct => session.Ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest
                {
                    CommandId = commandId,
                    InstanceId = run.InstanceId,
                }, ct), cancel).ConfigureAwait(false);
            }
            catch (AwsFailure e) when (e.InnerException is InvocationDoesNotExistException or AmazonSimpleSystemsManagementException { ErrorCode: "InvocationDoesNotExist" })
            {
                continue; // not this command's instance (another chunk), or not invoked yet
            }
            var outcome = InvocationStatus.Map(inv.Status?.Value, inv.StatusDetails);
            runs[run.InstanceId] = run with
            {
                Outcome = outcome,
                Status = inv.StatusDetails ?? inv.Status?.Value ?? "Pending",
                Detail = outcome is RunOutcome.Failed or RunOutcome.TimedOut ? InvocationStatus.FirstLine(inv.StandardErrorContent) ?? ExitText(inv.ResponseCode) : null,
            };
        }
    }

    private async Task AddStderr(string commandId, string instanceId, SortedDictionary<string, InstanceRun> runs, CancellationToken cancel)
    {
        try
        {
            var inv = await session.Call("SSM GetCommandInvocation", ct => session.Ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest
            {
                CommandId = commandId,
                InstanceId = instanceId,
            }, ct), cancel).ConfigureAwait(false);
            runs[instanceId] = runs[instanceId] with { Detail = InvocationStatus.FirstLine(inv.StandardErrorContent) ?? ExitText(inv.ResponseCode) };
        }
        catch (AwsFailure)
        {
            // The status is known; only the stderr line is missing.
        }
    }

    private static string? ExitText(int? code) => code is null or -1 ? null : $"exit {code}";

    /// <summary>An endpoint that does not implement the operation: 501/404, an unknown-operation code, or a 500 that
    /// carries no AWS error code at all (an HTML page — moto for ListCommandInvocations and DescribeInstanceInformation).
    /// SSM's own 500s carry a code (InternalServerError) and stay failures.</summary>
    private static bool NotImplemented(AwsFailure e) =>
        e.InnerException is Amazon.Runtime.AmazonServiceException s
        && (s.StatusCode is System.Net.HttpStatusCode.NotImplemented or System.Net.HttpStatusCode.NotFound
            || s.ErrorCode is "InvalidAction" or "NotImplemented" or "UnknownOperationException" or "UnknownOperation"
            || (s.StatusCode == System.Net.HttpStatusCode.InternalServerError && string.IsNullOrEmpty(s.ErrorCode)));
}
