using System.Globalization;
using System.Text;
using System.Text.Json;
using AmiAudit.Collectors.Evidence;
using AmiAudit.Collectors.Evidence.Journal;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.Tests.Live;
using AmiAudit.Collectors.Tests.RootFs;

namespace AmiAudit.Collectors.Tests.Evidence;

/// <summary>
/// How the root's journal is handed to journalctl and what comes back is counted. The real reader on a real
/// persistent journal is <see cref="RealParts.NspawnJournalEvidenceTests"/>; here journalctl's answer is recorded
/// (T-SD-08 shapes) to pin the request: validated files only, newest first, the fields the evidence reads.
/// </summary>
public class JournalEvidenceTests
{
    private const string Mid = "ec2a1d3f4b5c6d7e8f90a1b2c3d4e5f6";

    internal static string Record(DateTimeOffset t, string message, string? messageId = null, string? unit = null, int pid = 1,
        string ident = "systemd", string? transport = "journal", Dictionary<string, string>? extra = null)
    {
        var d = new Dictionary<string, string>
        {
            ["__REALTIME_TIMESTAMP"] = (t.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture),
            ["MESSAGE"] = message, ["_PID"] = pid.ToString(CultureInfo.InvariantCulture), ["SYSLOG_IDENTIFIER"] = ident,
        };
        if (messageId is not null) d["MESSAGE_ID"] = messageId;
        if (unit is not null) d["UNIT"] = unit;
        if (transport is not null) d["_TRANSPORT"] = transport;
        foreach (var (k, v) in extra ?? []) d[k] = v;
        return JsonSerializer.Serialize(d);
    }

    /// <summary>n crash cycles of ecs.service as PID 1 and ecs-init log them to the journal, oldest first.</summary>
    internal static List<string> Loop(int n, DateTimeOffset start)
    {
        var records = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var t = start.AddSeconds(10 * i);
            records.Add(Record(t, "Started ecs.service - Amazon Elastic Container Service - container agent.", JournalEvidenceBuilder.JobStarted, "ecs.service", extra: new() { ["JOB_RESULT"] = "done" }));
            records.Add(Record(t.AddSeconds(1), "level=info time=2026-03-03T14:02:01Z msg=\"Starting Amazon Elastic Container Service Agent\"", ident: "amazon-ecs-init", pid: 1842 + i, transport: "stdout",
                extra: new() { ["_SYSTEMD_UNIT"] = "ecs.service" }));
            records.Add(Record(t.AddSeconds(2), "ecs.service: Main process exited, code=exited, status=5/NOTINSTALLED", JournalEvidenceBuilder.ProcessExit, "ecs.service",
                extra: new() { ["EXIT_CODE"] = "exited", ["EXIT_STATUS"] = "5" }));
            records.Add(Record(t.AddSeconds(2), "ecs.service: Failed with result 'exit-code'.", JournalEvidenceBuilder.FailureResult, "ecs.service", extra: new() { ["UNIT_RESULT"] = "exit-code" }));
            records.Add(Record(t.AddSeconds(10), $"ecs.service: Scheduled restart job, restart counter is at {i + 1}.", JournalEvidenceBuilder.RestartScheduled, "ecs.service",
                extra: new() { ["N_RESTARTS"] = (i + 1).ToString(CultureInfo.InvariantCulture) }));
        }
        records.Add(Record(start.AddMinutes(5), "ena 0000:00:05.0 ens5: Trigger reset is on", ident: "kernel", pid: 0, transport: "kernel"));
        records.Add(Record(start.AddMinutes(5).AddSeconds(1), "ena 0000:00:05.0: Device reset completed, status: 0, Driver info: Elastic Network Adapter (ENA) v2.14.1g\n", ident: "kernel", pid: 0, transport: "kernel"));
        return records;
    }

    private static TempRoot JournalRoot()
    {
        var root = new TempRoot()
            .WriteBytes($"/var/log/journal/{Mid}/system.journal", Encoding.ASCII.GetBytes("LPKSHHRH-not-a-real-journal"))
            .WriteBytes($"/var/log/journal/{Mid}/user-1000.journal", Encoding.ASCII.GetBytes("LPKSHHRH"))
            .Write("/lib/systemd/system/ecs.service", DeadNodeRoot.EcsUnit);
        return root;
    }

    [Fact]
    public void Validated_files_only_are_handed_to_journalctl_and_its_records_are_counted_by_message_id()
    {
        using var root = JournalRoot();
        var outside = Directory.CreateTempSubdirectory("amiaudit-outside-").FullName;
        File.WriteAllText(Path.Combine(outside, "host.journal"), "the host's journal");
        root.Symlink($"/var/log/journal/{Mid}/escape.journal", Path.Combine(outside, "host.journal"));
        root.Symlink($"/var/log/journal/{Mid}/inside.journal", $"/var/log/journal/{Mid}/system.journal");
        var fifo = root.Run("mkfifo", root.Host($"/var/log/journal/{Mid}/fifo.journal"));
        var start = new DateTimeOffset(2026, 3, 3, 14, 2, 0, TimeSpan.Zero);
        var records = Loop(30, start);
        records.Reverse(); // --reverse: newest first
        var runner = new RecordingRunner().On("journalctl", string.Join('\n', records) + "\n");
        try
        {
            var s = DeadNodeRoot.Collect(root, since: start.AddMinutes(-1), runner: runner);

            var request = runner.Requests.ShouldHaveSingleItem();
            request.FileName.ShouldBe("journalctl");
            var files = request.Arguments.Where(a => a.StartsWith("--file=", StringComparison.Ordinal)).ToList();
            files.ShouldBe(
            [
                "--file=" + root.Host($"/var/log/journal/{Mid}/system.journal"),
                "--file=" + root.Host($"/var/log/journal/{Mid}/user-1000.journal"),
            ]);
            request.Arguments.ShouldNotContain(a => a.Contains(outside, StringComparison.Ordinal));
            request.Arguments.ShouldContain("--reverse");
            request.Arguments.ShouldContain("--output-fields=" + JournalRecord.OutputFields);
            request.Arguments.ShouldContain("--since=@" + start.AddMinutes(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Arguments.ShouldNotContain(a => a.StartsWith("--directory", StringComparison.Ordinal) || a.StartsWith("-D", StringComparison.Ordinal));
            if (fifo) s.Diagnostics.ShouldContain(d => d.Code == "not-regular" && d.Path == $"/var/log/journal/{Mid}/fifo.journal");

            var e = s.Evidence.ShouldNotBeNull();
            e.Journal.ShouldNotBeNull().Status.ShouldBe("read");
            e.Journal!.Records.ShouldBe(records.Count);
            var ecs = e.Units.Single(u => u.Name == "ecs.service");
            ecs.Restarts.ShouldBe(30);
            ecs.RestartCounter.ShouldBe(30);
            ecs.Starts.ShouldBe(30);
            ecs.Failures.ShouldBe(30);
            ecs.LastExit.ShouldBe("code=exited, status=5");
            ecs.Sources.ShouldBe(["journal"]);
            e.Ecs.ShouldNotBeNull().AgentStarts.ShouldBe(30);
            e.Kernel.ShouldNotBeNull().Ena.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
                i => i.Name.ShouldBe("ens5"), i => i.Resets.ShouldBe(1), i => i.DriverVersion.ShouldBe("2.14.1g"));
        }
        finally { Directory.Delete(outside, true); }
    }

    [Fact]
    public void No_journalctl_on_this_host_is_unavailable_with_the_reason()
    {
        using var root = JournalRoot();
        var s = DeadNodeRoot.Collect(root, runner: new RecordingRunner()); // every command: "could not start"
        var j = s.Evidence.ShouldNotBeNull().Journal.ShouldNotBeNull();
        j.Status.ShouldBe("unavailable");
        j.Reason.ShouldNotBeNull().ShouldContain("journalctl is not available on this host");
        j.Files.Count.ShouldBe(2);
        s.Diagnostics.ShouldContain(d => d.Level == "unavailable" && d.Source == "evidence-journal");
    }

    [Fact]
    public void A_volatile_only_journal_says_so()
    {
        using var root = new TempRoot().WriteBytes("/lib/systemd/systemd-journald", [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        var s = DeadNodeRoot.Collect(root);
        var j = s.Evidence.ShouldNotBeNull().Journal.ShouldNotBeNull();
        j.Status.ShouldBe("volatile-only");
        j.Reason.ShouldNotBeNull().ShouldContain("Storage=auto");

        using var volatileConf = new TempRoot().Write("/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\n");
        DeadNodeRoot.Collect(volatileConf).Evidence!.Journal!.Reason.ShouldNotBeNull().ShouldContain("Storage=volatile");
    }

    [Fact]
    public void Plain_journalctl_text_saved_to_a_file_is_read_too()
    {
        // node-facts T-ECS-04: `journalctl -u ecs` as someone pasted it, a banner and two records run together included.
        const string text = """
            -- Logs begin at Tue 2026-03-03 11:00:00 UTC, end at Tue 2026-03-03 12:01:00 UTC. --
            Mar 03 12:00:01 ip-10-1-2-3 amazon-ecs-init[1842]: level=info time=2026-03-03T12:00:01Z msg="Starting Amazon Elastic Container Service Agent"
            Mar 03 12:00:02 ip-10-1-2-3 amazon-ecs-init[1842]: level=info time=2026-03-03T12:00:02Z msg="Agent exited with code 5"
            Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: Main process exited, code=exited, status=5/NOTINSTALLED
            Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: Failed with result 'exit-code'. Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Scheduled restart job, restart counter is at 7.
            """;
        var snapshot = JournalLoops.FromExport(new MemoryStream(Encoding.UTF8.GetBytes(text)), "ecs.txt", null, null, new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero));
        var e = snapshot.Evidence.ShouldNotBeNull();
        var ecs = e.Units.ShouldHaveSingleItem();
        ecs.Restarts.ShouldBe(1);
        ecs.RestartCounter.ShouldBe(7);
        ecs.Failures.ShouldBe(1);
        ecs.LastExit.ShouldBe("code=exited, status=5/NOTINSTALLED");
        ecs.Last.ShouldBe(new DateTimeOffset(2026, 3, 3, 12, 0, 12, TimeSpan.Zero));
        e.Ecs.ShouldNotBeNull().AgentStarts.ShouldBe(1);
        e.Ecs!.ExitCodes["5"].ShouldBe(1);
    }

    [Fact]
    public void Export_format_dumps_are_read_with_binary_fields()
    {
        var t = new DateTimeOffset(2026, 3, 3, 14, 2, 10, TimeSpan.Zero);
        using var ms = new MemoryStream();
        void Text(string s) => ms.Write(Encoding.UTF8.GetBytes(s));
        Text("__CURSOR=s=1\n__REALTIME_TIMESTAMP=" + (t.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture) + "\n_PID=1\nSYSLOG_IDENTIFIER=systemd\nUNIT=ecs.service\n");
        Text("MESSAGE_ID=" + JournalEvidenceBuilder.RestartScheduled + "\nN_RESTARTS=4\n");
        var message = Encoding.UTF8.GetBytes("ecs.service: Scheduled restart job, restart counter is at 4.\u001b[0m");
        Text("MESSAGE\n");
        ms.Write(BitConverter.GetBytes((ulong)message.Length));
        ms.Write(message);
        Text("\n\n");
        Text("__CURSOR=s=2\n__REALTIME_TIMESTAMP=" + (t.AddSeconds(10).ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture) + "\n_PID=1\nSYSLOG_IDENTIFIER=systemd\nUNIT=ecs.service\nMESSAGE=ecs.service: Start request repeated too quickly.\n\n");
        ms.Position = 0;
        var snapshot = JournalLoops.FromExport(ms, "node.export", null, null);
        var ecs = snapshot.Evidence.ShouldNotBeNull().Units.ShouldHaveSingleItem();
        ecs.Restarts.ShouldBe(1);
        ecs.RestartCounter.ShouldBe(4);
        ecs.StartLimitHits.ShouldBe(1);
        snapshot.Systemd.Units.ShouldHaveSingleItem().ShouldSatisfyAllConditions(u => u.Name.ShouldBe("ecs.service"), u => u.RestartsPerHour.ShouldBe(1));
        snapshot.Evidence!.Timeline.ShouldContain(x => x.Event.StartsWith("start request repeated too quickly", StringComparison.Ordinal));
    }
}
