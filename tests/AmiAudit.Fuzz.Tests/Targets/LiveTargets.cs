using AmiAudit.Collectors.Live;
using AmiAudit.Fuzz.Engine;

namespace AmiAudit.Fuzz.Targets;

/// <summary>What live collection parses from systemctl and journalctl output.</summary>
internal static class LiveTargets
{
    public static FuzzTarget SystemctlShow => new()
    {
        Name = "systemctl-show",
        Parses = "systemctl show output (SystemctlShowParser, SystemdTimestamp)",
        Seeds = () => Corpus.Of(Corpus.Own("systemctl-show")),
        Tokens = ["\n\n", "=", "Id=", "NRestarts=", "ExecMainStatus=", "ExecMainCode=", "ActiveEnterTimestamp=", "Tue 2026-03-03 11:59:50 UTC", "n/a", "infinity",
                  "RestartUSec=", "1min 30s", "100ms", "5s", "MainPID=", "Requires=", " "],
        Run = input =>
        {
            var text = Text.Of(input);
            SystemctlShowParser.Parse(text);
            foreach (var block in SystemctlShowParser.ParseBlocks(text)) SystemctlShowParser.ToUnit(block);
        },
    };

    public static FuzzTarget ListUnits => new()
    {
        Name = "systemctl-list-units",
        Parses = "systemctl list-units --plain output (SystemctlListUnitsParser, UnitNames)",
        Seeds = () => Corpus.Of(Corpus.Own("systemctl-list-units")),
        Tokens = ["●", "*", "○", ".service", ".device", "@", "\\x2d", "-", " loaded active running "],
        Run = input => SystemctlListUnitsParser.Parse(Text.Of(input)),
    };

    public static FuzzTarget Journal => new()
    {
        Name = "journal",
        Parses = "journalctl -o json records (JournalRestartParser)",
        Seeds = () => Corpus.Of(Corpus.Own("journal")),
        Tokens = ["{", "}", "\"MESSAGE\":", "\"UNIT\":", "\"N_RESTARTS\":\"", "\"__REALTIME_TIMESTAMP\":\"", "\"MESSAGE_ID\":\"5eb03494b6584870a536b337290809b3\"",
                  "\"MESSAGE_ID\":\"d9b373ed55a64feb8242e02dbe79a49c\"", "[1,2,3]", "[256]", "[-1]", "Scheduled restart job, restart counter is at ", "\n"],
        Run = input =>
        {
            var text = Text.Of(input);
            JournalRestartParser.Parse(text);
            JournalRestartParser.Parse(text, DateTimeOffset.FromUnixTimeSeconds(1020), DateTimeOffset.FromUnixTimeSeconds(1100));
        },
    };
}
