using Microsoft.EntityFrameworkCore;

namespace MissionConformance.Reference.Storage;

/// <summary>The Mission record of oauth-profile.md §6, as the reference AS stores it.</summary>
public sealed class MissionRecord
{
    public required string Id { get; set; }
    public required string ProposalId { get; set; }
    public string? RequestUri { get; set; }
    public required string State { get; set; }
    public required string ClientId { get; set; }
    public string? Subject { get; set; }
    public string? Approver { get; set; }
    public string? LoginHint { get; set; }

    /// <summary>Mission Expansion (oauth-profile.md §13): the prior Mission this one succeeds, as proposed at PAR (mission_supersedes).</summary>
    public string? Supersedes { get; set; }
    public required string Tenant { get; set; }
    public required string Origin { get; set; }
    public required string SubmittedIntentJson { get; set; }
    public required string IntentJson { get; set; }
    public required string NarrowingJson { get; set; }
    public required string AuthoritySetJson { get; set; }
    public string? RequestedResourcesJson { get; set; }

    /// <summary>Fault FrontChannelScopeGranted: a scope the front-channel request added, which the Mission's tokens then carry.</summary>
    public string? FrontChannelScope { get; set; }
    public string? ProposalHash { get; set; }
    public string? AuthorityHash { get; set; }
    public string? ConsentRenderingHash { get; set; }
    public string? ConsentDisclosureJson { get; set; }
    public required string PolicyVersion { get; set; }
    public string? ApprovalEventId { get; set; }
    public string? RequiredAcr { get; set; }
    public long MissionExpiry { get; set; }
    public int? MaxDerivations { get; set; }
    public int Derivations { get; set; }
    public int Version { get; set; }
    public long CreatedAt { get; set; }
    public long? ApprovedAt { get; set; }
    public long UpdatedAt { get; set; }
    public required string HistoryJson { get; set; }
}

/// <summary>Key material that must survive a restart (signing key, token encryption key).</summary>
public sealed class KeyMaterial
{
    public required string Name { get; set; }
    public required string Value { get; set; }
}

/// <summary>A client-assertion jti already used, kept until the assertion would have expired.</summary>
public sealed class UsedAssertion
{
    public required string Key { get; set; }
    public long ExpiresAt { get; set; }
}

/// <summary>
/// A pairwise Mission reference (oauth-profile.md §15): random, one per (Mission, sector), never
/// reassigned; resolvable only here, at mission.origin.
/// </summary>
public sealed class PairwiseReference
{
    public required string Ref { get; set; }
    public required string MissionId { get; set; }
    public required string Sector { get; set; }
}

public sealed class ReferenceDbContext(DbContextOptions<ReferenceDbContext> options) : DbContext(options)
{
    public DbSet<MissionRecord> Missions => Set<MissionRecord>();
    public DbSet<KeyMaterial> Keys => Set<KeyMaterial>();
    public DbSet<UsedAssertion> UsedAssertions => Set<UsedAssertion>();
    public DbSet<PairwiseReference> PairwiseReferences => Set<PairwiseReference>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<MissionRecord>(e =>
        {
            e.HasKey(m => m.Id);
            e.HasIndex(m => m.RequestUri);
            e.HasIndex(m => m.ClientId);
            e.HasIndex(m => m.Subject);
        });
        modelBuilder.Entity<KeyMaterial>().HasKey(k => k.Name);
        modelBuilder.Entity<UsedAssertion>().HasKey(a => a.Key);
        modelBuilder.Entity<PairwiseReference>(e =>
        {
            e.HasKey(r => r.Ref);
            e.HasIndex(r => new { r.MissionId, r.Sector }).IsUnique();
        });
    }
}
