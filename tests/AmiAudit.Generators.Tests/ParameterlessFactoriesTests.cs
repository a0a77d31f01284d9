namespace AmiAudit.Generators.Tests;

public class ParameterlessFactoriesTests
{
    [Fact]
    public void Maps_each_public_constructible_class_of_the_anchor_namespace_to_its_constructor()
    {
        var run = GeneratorRun.Of("""
            using System.Collections.Generic;
            namespace Demo.Model
            {
                public sealed record Anchor { public List<string> Items { get; init; } = []; }
                public sealed class Plain { }
                public class Outer { public sealed class NestedPublic { } private sealed class NestedPrivate { } }
                internal sealed class Internal { }
                public abstract class Abstract { }
                public sealed record Positional(int X);
                public sealed class Generic<T> { }
                public static class Helpers { }
                public sealed class InternalConstructor { internal InternalConstructor() { } }
            }
            namespace Demo.Model.Deeper { public sealed class Sub { } }
            namespace Demo.Other { public sealed class Elsewhere { } }
            """, """
            using System;
            using System.Collections.Generic;
            namespace Demo.Other;
            internal static partial class ModelFactories
            {
                [AmiAudit.Generated.ParameterlessFactories(typeof(Demo.Model.Anchor))]
                internal static partial IReadOnlyDictionary<Type, Func<object>> All();
            }
            """);
        run.Errors.ShouldBeEmpty();
        run.Constructed("Demo.Other.ModelFactories.All.g.cs").ShouldBe(
            ["global::Demo.Model.Anchor", "global::Demo.Model.Outer", "global::Demo.Model.Outer.NestedPublic", "global::Demo.Model.Plain"]);
        run.Files["Demo.Other.ModelFactories.All.g.cs"].ShouldContain("[typeof(global::Demo.Model.Anchor)] = () => new global::Demo.Model.Anchor(),");
    }
}
