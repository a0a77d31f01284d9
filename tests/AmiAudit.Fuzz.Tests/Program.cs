using AmiAudit.Fuzz.Engine;
using AmiAudit.Fuzz.Targets;
using SharpFuzz;

namespace AmiAudit.Fuzz;

/// <summary>
/// Entry point for coverage-guided campaigns (scripts/fuzz.sh), not used by the test runner:
///   list                      target names
///   seeds TARGET DIR          write the target's seed corpus (repository files, Seeds/, Crashes/) to DIR
///   run TARGET                AFL++ fork server (SharpFuzz): one input per iteration from afl-fuzz;
///                             an undocumented exception is a crash, afl-fuzz -t catches hangs
///   replay TARGET FILE...     run inputs through the in-suite check (exit 1 on a finding)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["list"]:
                foreach (var t in AllTargets.List) Console.WriteLine($"{t.Name,-22} {t.Parses}");
                return 0;
            case ["seeds", var name, var dir]:
                {
                    Directory.CreateDirectory(dir);
                    var i = 0;
                    foreach (var seed in AllTargets.Get(name).Seeds())
                        File.WriteAllBytes(Path.Combine(dir, $"seed-{i++:D3}"), seed);
                    Console.WriteLine($"{i} seeds in {dir}");
                    return 0;
                }
            case ["run", var name]:
                {
                    var target = AllTargets.Get(name);
                    Fuzzer.OutOfProcess.Run(stream =>
                    {
                        using var buffer = new MemoryStream();
                        stream.CopyTo(buffer);
                        try
                        {
                            target.Run(buffer.ToArray());
                        }
                        catch (Exception e) when (target.IsAllowed(e))
                        {
                        }
                    });
                    return 0;
                }
            case ["replay", var name, .. var files]:
                {
                    var target = AllTargets.Get(name);
                    var failed = 0;
                    foreach (var f in files)
                    {
                        try
                        {
                            FuzzRunner.Check(target, Corpus.Load(f));
                            Console.WriteLine($"ok       {f}");
                        }
                        catch (FuzzFinding e)
                        {
                            failed++;
                            Console.WriteLine($"FINDING  {f}\n{e.Message}\n{e.InnerException}");
                        }
                    }
                    return failed == 0 ? 0 : 1;
                }
            default:
                Console.Error.WriteLine("usage: AmiAudit.Fuzz.Tests list | seeds TARGET DIR | run TARGET | replay TARGET FILE...");
                return 2;
        }
    }
}
