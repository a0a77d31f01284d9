using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AmiAudit.Generators.Tests;

/// <summary>Runs <see cref="FactoryGenerator"/> over C# sources, as the compiler would in a build.</summary>
internal sealed partial class GeneratorRun
{
    // The test host's own framework assemblies: enough for Func, Type, IReadOnlyDictionary and records.
    private static readonly ImmutableArray<MetadataReference> References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToImmutableArray();

    public required Compilation Output { get; init; }
    public required ImmutableArray<Diagnostic> GeneratorDiagnostics { get; init; }
    public required ImmutableDictionary<string, string> Files { get; init; }

    public static GeneratorRun Of(params string[] sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Demo",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parse, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new FactoryGenerator().AsSourceGenerator()], parseOptions: parse);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult().Results.Single();
        return new GeneratorRun
        {
            Output = output,
            GeneratorDiagnostics = diagnostics,
            Files = result.GeneratedSources.ToImmutableDictionary(s => s.HintName, s => s.SourceText.ToString()),
        };
    }

    /// <summary>Errors of the whole compilation, generated code included (it must compile).</summary>
    public IReadOnlyList<Diagnostic> Errors =>
        [.. GeneratorDiagnostics.Concat(Output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error)];

    /// <summary>The classes a generated file constructs, in the order it lists them.</summary>
    public IReadOnlyList<string> Constructed(string hintName) =>
        [.. NewExpression().Matches(Files[hintName]).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"=> new (global::[\w.]+)\(\)")]
    private static partial Regex NewExpression();
}
