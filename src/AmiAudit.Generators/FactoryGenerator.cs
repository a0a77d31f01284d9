using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AmiAudit.Generators;

/// <summary>
/// Fills in the partial methods marked <c>[Implementations]</c> and <c>[ParameterlessFactories]</c>
/// (see <see cref="AttributeSource"/>). This is how the registries find their verbs, collectors, operators
/// and reporters without reflection, which NativeAOT trimming would break.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class FactoryGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(static c => c.AddSource(AttributeSource.HintName, AttributeSource.Text));

        // The transforms read the whole compilation (every class is a candidate); ForAttributeWithMetadataName
        // re-runs them when it changes, and the string results keep unchanged output cached downstream.
        var implementations = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeSource.ImplementationsName,
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, ct) => ImplementationsMethod.Generate(ctx, ct));
        var factories = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeSource.ParameterlessFactoriesName,
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, ct) => ParameterlessFactoriesMethod.Generate(ctx, ct));

        context.RegisterSourceOutput(implementations, Emit);
        context.RegisterSourceOutput(factories, Emit);
    }

    private static void Emit(SourceProductionContext context, GeneratedMethod method)
    {
        foreach (var diagnostic in method.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
        if (method.Source is not null) context.AddSource(method.HintName, method.Source);
    }
}

/// <summary>One marked method's outcome: its generated file, or the diagnostics saying why there is none.</summary>
internal sealed record GeneratedMethod(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static GeneratedMethod Ok(string hintName, string source) => new(hintName, source, default);

    public static GeneratedMethod Failed(string hintName, DiagnosticInfo diagnostic) =>
        new(hintName, null, new EquatableArray<DiagnosticInfo>(ImmutableArray.Create(diagnostic)));
}

/// <summary>What both attributes require of the method they mark.</summary>
internal static class MethodShape
{
    public static Location Location(GeneratorAttributeSyntaxContext ctx) =>
        ctx.TargetNode is MethodDeclarationSyntax m ? m.Identifier.GetLocation() : ctx.TargetNode.GetLocation();

    /// <summary>Null when the method is a body-less <c>static partial</c> with no parameters.</summary>
    public static DiagnosticInfo? Check(GeneratorAttributeSyntaxContext ctx, IMethodSymbol method) =>
        method is { IsStatic: true, IsPartialDefinition: true, PartialImplementationPart: null, Parameters.Length: 0, TypeParameters.Length: 0 }
            ? null
            : DiagnosticInfo.Create(Diagnostics.WrongShape, Location(ctx), method.ToDisplayString());

    public static bool IsFunc(Compilation compilation, ITypeSymbol type, out ITypeSymbol result)
    {
        result = type;
        if (type is not INamedTypeSymbol { Arity: 1 } named
            || !SymbolEqualityComparer.Default.Equals(named.ConstructedFrom, compilation.GetTypeByMetadataName("System.Func`1")))
            return false;
        result = named.TypeArguments[0];
        return true;
    }
}
