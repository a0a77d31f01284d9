using AmiAudit.Collectors.Live;

namespace AmiAudit.Collectors.Tests.Live;

public class JournalRestartParserTests
{
    // node-facts 7.6 T-SD-08, verbatim.
    private const string TSd08 = """{"MESSAGE":"ecs.service: Scheduled restart job, restart counter is at 51234.","MESSAGE_ID":"5eb03494b6584870a536b337290809b3","UNIT":"ecs.service","N_RESTARTS":"51234","_PID":"1","__REALTIME_TIMESTAMP":"1772539200000000"}""";

    private static string Restart(string unit, long n, long unixSeconds) =>
        $$"""{"MESSAGE":"{{unit}}: Scheduled restart job, restart counter is at {{n}}.","MESSAGE_ID":"5eb03494b6584870a536b337290809b3","UNIT":"{{unit}}","N_RESTARTS":"{{n}}","_PID":"1","__REALTIME_TIMESTAMP":"{{unixSeconds * 1_000_000}}"}""";

    private static string Failure(string unit, long unixSeconds) =>
        $$"""{"MESSAGE":"{{unit}}: Failed with result 'exit-code'.","MESSAGE_ID":"d9b373ed55a64feb8242e02dbe79a49c","UNIT":"{{unit}}","UNIT_RESULT":"exit-code","_PID":"1","__REALTIME_TIMESTAMP":"{{unixSeconds * 1_000_000}}"}""";

    [Fact]
    public void T_SD_08_restart_record_is_counted_with_its_counter_and_time()
    {
        var c = JournalRestartParser.Parse(TSd08).Units["ecs.service"];
        c.RestartsScheduled.ShouldBe(1);
        c.MinNRestarts.ShouldBe(51234);
        c.First.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1772539200));
    }

    [Fact]
    public void Counts_restarts_and_failures_per_unit_inside_the_window_only()
    {
        var lines = new List<string>();
        for (var i = 0; i < 12; i++) { lines.Add(Failure("ecs.service", 1000 + i * 10)); lines.Add(Restart("ecs.service", 40 + i, 1000 + i * 10 + 1)); }
        lines.Add(Failure("kubelet.service", 1050));
        var r = JournalRestartParser.Parse(string.Join('\n', lines),
            since: DateTimeOffset.FromUnixTimeSeconds(1020), until: DateTimeOffset.FromUnixTimeSeconds(1100));
        // In [1020, 1100]: failures at 1020..1100 step 10 = 9, restarts at 1021..1091 = 8.
        r.Units["ecs.service"].Failures.ShouldBe(9);
        r.Units["ecs.service"].RestartsScheduled.ShouldBe(8);
        (r.Units["ecs.service"].MaxNRestarts - r.Units["ecs.service"].MinNRestarts + 1).ShouldBe(8);
        r.Units["kubelet.service"].RestartsScheduled.ShouldBe(0);
        r.Units["kubelet.service"].Failures.ShouldBe(1);
    }

    [Fact]
    public void Old_systemd_text_without_message_id_is_understood()
    {
        var text = """
            {"MESSAGE":"ureadahead.service: Service hold-off time over, scheduling restart.","_PID":"1","__REALTIME_TIMESTAMP":"1000000"}
            {"MESSAGE":"ureadahead.service: Unit entered failed state.","_PID":"1","__REALTIME_TIMESTAMP":"1000000"}
            {"MESSAGE":"x.service: Scheduled restart job, restart counter is at 3.","UNIT":"x.service","_PID":"1"}
            {"MESSAGE":"Started foo.","UNIT":"foo.service","_PID":"1"}
            """;
        var u = JournalRestartParser.Parse(text).Units;
        u["ureadahead.service"].RestartsScheduled.ShouldBe(1);
        u["ureadahead.service"].Failures.ShouldBe(1);
        u["x.service"].RestartsScheduled.ShouldBe(1);
        u.ContainsKey("foo.service").ShouldBeFalse();
    }

    [Fact]
    public void Binary_fields_as_byte_arrays_are_decoded()
    {
        var bytes = string.Join(',', System.Text.Encoding.UTF8.GetBytes("a.service").Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var line = $$"""{"MESSAGE":[1,2,3],"MESSAGE_ID":"d9b373ed55a64feb8242e02dbe79a49c","UNIT":[{{bytes}}]}""";
        JournalRestartParser.Parse(line).Units["a.service"].Failures.ShouldBe(1);
    }

    [Fact]
    public void Garbage_binary_junk_and_a_10_MB_line_are_skipped_and_counted()
    {
        var junk = "\0\u0001\u00ff{{{" + new string('x', 50);
        var huge = "{\"MESSAGE\":\"" + new string('a', 10 * 1024 * 1024) + "\"}";
        var text = string.Join('\n', junk, huge, "{\"MESSAGE_ID\": ", "[1,2]", TSd08, "{\"truncated");
        var r = JournalRestartParser.Parse(text);
        r.Units["ecs.service"].RestartsScheduled.ShouldBe(1);
        r.LinesRead.ShouldBe(6);
        r.LinesSkipped.ShouldBe(5); // all but the T-SD-08 record: "[1,2]" is JSON, but not a journal record
    }
}
