using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>The fault-free reference for every probe, on a fake clock the expiry probes may advance.</summary>
public sealed class FaultFreeReference : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public RunningReference Reference { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Reference = await RunningReference.StartAsync(new ReferenceStackOptions { Clock = Clock, Catalogue = FaultProbes.Catalogue, EventSubscriptions = LifecycleEventTests.Subscriptions() });

    public async ValueTask DisposeAsync() => await Reference.DisposeAsync();
}

/// <summary>Each named fault changes its behaviour on the wire, and the fault-free reference does not show it.</summary>
public sealed class FaultTests(FaultFreeReference faultFree) : IClassFixture<FaultFreeReference>
{
    /// <summary>The Authorization Server's faults; ResourceServerFaultTests probes the Resource Servers' own.</summary>
    public static TheoryData<string> AllFaults => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.AuthorizationServer).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(AllFaults))]
    public async Task Fault_IsObservableOnTheWire_AndAbsentWithoutIt(string name)
    {
        var descriptor = FaultCatalogue.Find(name)!;
        var fault = descriptor.Fault;
        var probe = FaultProbes.For(fault);
        // A fault that lives in a variant is compared with the fault-free reference in that variant.
        var variants = descriptor.Under is { } under ? new VariantSet([under]) : VariantSet.None;
        if (descriptor.Under is null)
        {
            Assert.False(await probe(faultFree.Reference, faultFree.Clock), $"the fault-free reference shows {name}'s behaviour\n{faultFree.Reference.Log}");
        }
        else
        {
            var plainClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var plain = await RunningReference.StartAsync(new ReferenceStackOptions { Clock = plainClock, Catalogue = FaultProbes.Catalogue, Variants = variants });
            Assert.False(await probe(plain, plainClock), $"the fault-free reference in variant {descriptor.Under} shows {name}'s behaviour\n{plain.Log}");
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var faulty = await RunningReference.StartAsync(new ReferenceStackOptions { Faults = new FaultSet([fault]), Clock = clock, Catalogue = FaultProbes.Catalogue,
            EventSubscriptions = LifecycleEventTests.Subscriptions(), Variants = variants });
        Assert.True(await probe(faulty, clock), $"{name} is not observable: {FaultCatalogue.Describe(fault).Breaks}\n{faulty.Log}");
    }

    [Fact]
    public void Catalogue_EveryDeclaredRequirementIdExists()
    {
        var known = JsonNode.Parse(File.ReadAllText(RunningReference.RepositoryPath("fixtures", "requirements.json")))!.AsArray()
            .Select(r => (string)r!["id"]!).ToHashSet();

        var unknown = FaultCatalogue.All.SelectMany(f => f.RequirementIds.Select(id => (f.Name, id))).Where(x => !known.Contains(x.id)).ToList();

        Assert.Empty(unknown);
        Assert.Equal(FaultCatalogue.All.Count, FaultCatalogue.All.Select(f => f.Name).Distinct().Count());
        Assert.Equal(Enum.GetValues<Fault>().Length, FaultCatalogue.All.Count);
    }

    [Fact]
    public void FaultSet_UnknownName_IsRefusedWithTheCatalogueHint()
    {
        var error = Assert.Throws<Configuration.ReferenceConfigurationException>(() => FaultSet.Parse("RefreshAfterRevoke,NoSuchFault"));

        Assert.Contains("NoSuchFault", error.Message, StringComparison.Ordinal);
        Assert.Equivalent(new[] { Fault.RefreshAfterRevoke, Fault.MissingMissionClaim }, FaultSet.Parse(" RefreshAfterRevoke , MissingMissionClaim ").Active, strict: true);
        var misplaced = Assert.Throws<Configuration.ReferenceConfigurationException>(() => FaultSet.Parse("RsSkipsPdp").OnlyAt(FaultSite.AuthorizationServer, "serve"));
        Assert.Contains("serve-rs --faults", misplaced.Message, StringComparison.Ordinal);
        var twoSites = Assert.Throws<Configuration.ReferenceConfigurationException>(() => FaultSet.Parse("RsSkipsPdp,ResourceAsWidensGrant").OnlyAt(FaultSite.AuthorizationServer, "serve"));
        Assert.Contains("the Resource Servers (use serve-rs --faults) and the Resource AS (use serve-ras --faults), not of serve", twoSites.Message, StringComparison.Ordinal);
    }
}
