using System.Reflection;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Model;

public class ModelFactoriesTests
{
    /// <summary>The table SnapshotDefaults takes a snapshot's missing keys from: it must cover the model and each entry
    /// must yield its own type with the declared defaults (the reason the table exists).</summary>
    [Fact]
    public void Every_model_record_is_created_with_its_defaults()
    {
        var all = ModelFactories.All();
        all.Keys.ShouldContain(typeof(Snapshot));
        all.Keys.ShouldContain(typeof(UnitFact));
        all.Keys.ShouldContain(typeof(SystemdFacts));
        all.Keys.ShouldNotContain(typeof(SnapshotFormatException)); // no parameterless constructor
        var nullability = new NullabilityInfoContext();
        foreach (var (type, factory) in all)
        {
            var created = factory();
            created.GetType().ShouldBe(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.PropertyType.IsValueType || nullability.Create(property).ReadState != NullabilityState.NotNull) continue;
                property.GetValue(created).ShouldNotBeNull($"{type.Name}.{property.Name} is non-nullable but new() leaves it null");
            }
        }
        ((Snapshot)all[typeof(Snapshot)]()).Containers.ShouldBeEmpty();
    }
}
