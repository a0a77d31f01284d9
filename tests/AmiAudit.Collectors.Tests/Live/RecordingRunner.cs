using AmiAudit.Collectors.Live.Process;

namespace AmiAudit.Collectors.Tests.Live;

/// <summary>Answers commands from a script (first matching rule wins) and records what was asked.
/// Used only where the real peer cannot be (the real-part tests boot a real systemd).</summary>
public sealed class RecordingRunner : IProcessRunner
{
    private readonly List<(Func<ProcessRequest, bool> Match, Func<ProcessRequest, ProcessResult> Answer)> _rules = [];
    public List<ProcessRequest> Requests { get; } = [];

    public RecordingRunner On(string verb, Func<ProcessRequest, ProcessResult> answer)
    {
        _rules.Add((r => r.Arguments.Contains(verb) || r.FileName == verb, answer));
        return this;
    }

    public RecordingRunner On(string verb, string stdout, int exit = 0) => On(verb, _ => new ProcessResult { ExitCode = exit, Stdout = stdout });

    public ProcessResult Run(ProcessRequest request)
    {
        Requests.Add(request);
        foreach (var (match, answer) in _rules)
            if (match(request)) return answer(request);
        return new ProcessResult { StartError = "no such command in test script" };
    }
}
