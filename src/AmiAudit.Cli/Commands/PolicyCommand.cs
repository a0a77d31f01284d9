using System.CommandLine;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Core.Policies;

namespace AmiAudit.Cli.Commands;

/// <summary><c>amiaudit policy validate|test|schema</c>: lint policies, run their self-tests, print the schema.</summary>
public sealed class PolicyCommand : IVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("policy", "Work with policy files: validate, run rule self-tests, print the JSON schema.");
        command.Subcommands.Add(Validate(context));
        command.Subcommands.Add(Test(context));
        command.Subcommands.Add(Schema(context));
        return command;
    }

    private static Argument<string[]> Paths() => new("paths")
    {
        Description = "Policy files or directories (default: the built-in policies).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static Command Validate(CliContext context)
    {
        var paths = Paths();
        var waivers = CommonOptions.Waivers();
        var cmd = new Command("validate", "Check policy (and waiver) files against policies.schema.json and the operator rules; lists every problem as file:line:col.\n\n" +
            "Example:\n  amiaudit policy validate policies/ --waivers waivers.yaml") { paths, waivers };
        cmd.SetAction(parse =>
        {
            var loaded = PolicyFiles.Load(parse.GetValue(paths) ?? [], [], context);
            PolicyFiles.LoadWaivers(parse.GetValue(waivers));
            var rules = loaded.Policies.Sum(p => p.Rules.Count);
            context.Out.WriteLine($"ok: {loaded.Policies.Count} policies, {rules} rules");
            return ExitCodes.Passed;
        });
        return cmd;
    }

    private static Command Test(CliContext context)
    {
        var paths = Paths();
        var cmd = new Command("test", "Run every rule's examples (examples.pass / examples.fail) as self-tests. Exit 1 when one disagrees.\n\n" +
            "Example:\n  amiaudit policy test policies/") { paths };
        cmd.SetAction(parse =>
        {
            var loaded = PolicyFiles.Load(parse.GetValue(paths) ?? [], [], context);
            var results = PolicySelfTest.Run(loaded.Policies);
            var failed = results.Where(r => !r.Ok).ToList();
            // A failing example is quoted back; policy files are shared, and examples are copied from real snapshots.
            foreach (var r in failed) context.Out.WriteLine(AmiAudit.Reporting.Escaping.ReportText.Printable(AmiAudit.Core.Redaction.Redactor.RedactText($"FAIL {r}")));
            context.Out.WriteLine($"{results.Count - failed.Count} passed, {failed.Count} failed");
            return failed.Count == 0 ? ExitCodes.Passed : ExitCodes.GateFailed;
        });
        return cmd;
    }

    private static Command Schema(CliContext context)
    {
        var cmd = new Command("schema", "Print policies.schema.json (generated from the policy model; point your editor's YAML plugin at it).");
        cmd.SetAction(_ =>
        {
            context.Out.Write(PolicySchema.Generate());
            return ExitCodes.Passed;
        });
        return cmd;
    }
}
