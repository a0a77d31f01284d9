using AmiAudit.Fuzz.Engine;
using AmiAudit.Fuzz.Targets;
using Xunit.Abstractions;

namespace AmiAudit.Fuzz;

/// <summary>
/// Issue 8 "Make the class impossible": every parser gets ≥ 10,000 generated hostile inputs per run —
/// mutations of the repository's real files — and may only answer with its documented invalid-input
/// errors, within a per-input time limit, in bounded memory. CsCheck draws fresh inputs on every run
/// (more of the input space over time); a failure prints the CsCheck seed and saves the input under
/// artifacts/fuzz-findings/TARGET/, which becomes a Crashes/TARGET/ fixture with its fix.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class FuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. AllTargets.List.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Hostile_inputs_get_only_documented_errors_in_bounded_time_and_memory(string target)
    {
        var t = AllTargets.Get(target);
        var ran = Campaign.Run(t, output.WriteLine);
        ran.ShouldBeGreaterThanOrEqualTo(Campaign.Iterations(t));
    }

    public static TheoryData<string, string> CrashFixtures
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var t in AllTargets.List)
                foreach (var (name, _) in Corpus.Crashes(t.Name)) data.Add(t.Name, name);
            return data;
        }
    }

    /// <summary>Every input a campaign ever crashed on stays fixed. Run on a thread with a small stack
    /// (512 KiB), so a stack-overflow regression shows with a fixture of kilobytes, not megabytes (a stack
    /// overflow cannot be caught: it aborts the test run, which is the failure).</summary>
    [Theory]
    [MemberData(nameof(CrashFixtures))]
    public void Crash_fixtures_stay_fixed(string target, string fixture)
    {
        var t = AllTargets.Get(target);
        var input = Corpus.Crashes(target).Single(c => c.Name == fixture).Bytes;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { FuzzRunner.Check(t, input); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 512 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }
}
