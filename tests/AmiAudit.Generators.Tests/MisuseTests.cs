using Microsoft.CodeAnalysis;

namespace AmiAudit.Generators.Tests;

/// <summary>A wrongly shaped method fails the build with the generator's own message, on the method's name.</summary>
public class MisuseTests
{
    [Theory]
    [InlineData("AMIGEN001", "[Implementations] private partial Func<IThing>[] All();")]
    [InlineData("AMIGEN001", "[Implementations] private static Func<IThing>[] All() => [];")]
    [InlineData("AMIGEN001", "[Implementations] private static partial Func<IThing>[] All(int x);")]
    [InlineData("AMIGEN001", "[ParameterlessFactories(typeof(IThing))] private partial IReadOnlyDictionary<Type, Func<object>> All();")]
    [InlineData("AMIGEN002", "[Implementations] private static partial IThing[] All();")]
    [InlineData("AMIGEN002", "[Implementations] private static partial List<Func<IThing>> All();")]
    [InlineData("AMIGEN002", "[Implementations] private static partial Func<int>[] All();")]
    [InlineData("AMIGEN003", "[ParameterlessFactories(typeof(IThing))] private static partial Dictionary<Type, Func<object>> All();")]
    [InlineData("AMIGEN003", "[ParameterlessFactories(typeof(IThing))] private static partial IReadOnlyDictionary<Type, Func<IThing>> All();")]
    public void Reports_an_error_naming_the_method(string id, string declaration)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using AmiAudit.Generated;
            namespace Demo;
            public interface IThing { }
            public sealed class Thing : IThing { }
            public partial class Registry
            {
                {{declaration}}
            }
            """;
        var run = GeneratorRun.Of(source);
        var diagnostic = run.GeneratorDiagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe(id);
        diagnostic.Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostic.GetMessage().ShouldContain("Demo.Registry.All(");
        // Held as path + span (not the syntax tree) so it caches; a build prints it as Source0.cs(9,…).
        diagnostic.Location.GetLineSpan().Path.ShouldBe("Source0.cs");
        source.Substring(diagnostic.Location.SourceSpan.Start, 4).ShouldBe("All(");
        run.Files.Keys.ShouldBe(["AmiAudit.Generated.Attributes.g.cs"]);
    }
}
