using System.Collections.Concurrent;
using System.Diagnostics;
using CsCheck;

namespace AmiAudit.Fuzz.Engine;

/// <summary>
/// The in-suite fuzz run of one target: every seed as is, then CsCheck samples of mutated seeds
/// (≥ 10,000 by default; AMIAUDIT_FUZZ_ITER overrides), each through <see cref="FuzzRunner.Check"/>.
/// A watchdog fails the run as soon as one input has been running longer than the per-input limit
/// (a hang cannot be interrupted in .NET, but it is reported, with the input saved, instead of
/// stalling the suite).
/// </summary>
public static class Campaign
{
    public static int Iterations(FuzzTarget target) =>
        int.TryParse(Environment.GetEnvironmentVariable("AMIAUDIT_FUZZ_ITER"), out var n) && n > 0 ? n : target.Iterations;

    public static Gen<byte[]> Inputs(FuzzTarget target, IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[0, 8], Gen.ULong, (i, n, state) => Mutator.Mutate(seeds, i, n, state, target.Tokens));

    /// <summary>Runs the target; returns how many generated inputs ran. Throws on the first finding.</summary>
    public static long Run(FuzzTarget target, Action<string>? log = null)
    {
        var seeds = target.Seeds();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var seed in seeds) FuzzRunner.Check(target, seed);

        var inFlight = new ConcurrentDictionary<int, (byte[] Input, long Started)>();
        long count = 0;
        var iterations = Iterations(target);
        var sampling = Task.Factory.StartNew(() => Inputs(target, seeds).Sample(input =>
            {
                var id = Environment.CurrentManagedThreadId;
                inFlight[id] = (input, Stopwatch.GetTimestamp());
                try
                {
                    FuzzRunner.Check(target, input);
                }
                finally
                {
                    inFlight.TryRemove(id, out _);
                    Interlocked.Increment(ref count);
                }
            }, writeLine: log, iter: iterations, threads: Environment.ProcessorCount, print: FuzzRunner.Preview),
            TaskCreationOptions.LongRunning);

        while (!sampling.Wait(TimeSpan.FromSeconds(1)))
        {
            foreach (var (_, (input, started)) in inFlight)
                if (Stopwatch.GetElapsedTime(started) > 3 * FuzzRunner.PerInputLimit)
                    throw FuzzRunner.Finding(target, input, $"hung: still running after {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
        }
        sampling.GetAwaiter().GetResult();
        log?.Invoke($"{target.Name}: {Interlocked.Read(ref count)} inputs, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU");
        return Interlocked.Read(ref count);
    }
}
