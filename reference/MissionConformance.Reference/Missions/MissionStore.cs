using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>The result of a lifecycle operation.</summary>
public enum TransitionOutcome { Applied, AlreadyInState, Conflict, NotFound }

/// <summary>
/// Durable Mission records. Every mutation is a read-check-write inside one IMMEDIATE SQLite
/// transaction, so concurrent transitions and derivations serialise (MBO-AS-GATE-009); what a
/// transition may do is the <see cref="MissionStateMachine"/>'s.
/// </summary>
public sealed class MissionStore(IDbContextFactory<ReferenceDbContext> dbFactory, TimeProvider clock, ReferenceSettings settings,
    LifecycleEventTransmitter events, Hooks<IMissionHook> hooks)
{
    public MissionStateMachine Lifecycle { get; } = new(clock, hooks);

    public async Task<MissionRecord> CreatePendingAsync(
        AdmittedIntent intent, string clientId, string requestUri, IReadOnlyList<string> requestedResources,
        string? loginHint, CancellationToken ct, string? supersedes = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var submittedJson = intent.Submitted.ToJsonString();

        var creation = new MissionCreation(this, clientId, submittedJson, requestUri, ct);
        await hooks.RunAsync(h => h.CreatingAsync(creation));
        if (creation.Instead is { } instead) return instead;

        var now = clock.GetUtcNow();
        var naming = new MissionNaming(this, clientId, "msn_" + RandomToken(18), ct);
        await hooks.RunAsync(h => h.NamingAsync(naming));
        var record = new MissionRecord
        {
            Id = naming.Id,
            ProposalId = "prp_" + RandomToken(18),
            RequestUri = requestUri,
            State = MissionState.PendingApproval,
            ClientId = clientId,
            LoginHint = loginHint,
            Supersedes = supersedes,
            Tenant = settings.Tenant,
            Origin = settings.MissionOrigin,
            SubmittedIntentJson = submittedJson,
            IntentJson = intent.Validated.ToJsonString(),
            NarrowingJson = JsonSerializer.Serialize(intent.Narrowing.Select(d => new
            {
                field = d.Field, submitted = d.Submitted, validated = d.Validated, policy = d.PolicyReference,
            })),
            AuthoritySetJson = intent.AuthoritySet.ToJsonString(),
            RequestedResourcesJson = requestedResources.Count > 0 ? JsonSerializer.Serialize(requestedResources) : null,
            PolicyVersion = settings.Catalogue.PolicyVersion,
            RequiredAcr = intent.RequiredAcr,
            MissionExpiry = intent.MissionExpiry.ToUnixTimeSeconds(),
            MaxDerivations = intent.MaxDerivations,
            Version = 1,
            CreatedAt = now.ToUnixTimeSeconds(),
            UpdatedAt = now.ToUnixTimeSeconds(),
            HistoryJson = new JsonArray(MissionStateMachine.HistoryEntry(MissionState.PendingApproval, now, clientId, "submit", null)).ToJsonString(),
        };
        db.Missions.Add(record);
        await db.SaveChangesAsync(ct);
        return record;
    }

    public async Task<MissionRecord?> FindAsync(string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Missions.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        return record is null ? null : await ExpireIfDueAsync(record, ct);
    }

    /// <summary>
    /// The Mission's pairwise reference for <paramref name="sector"/> (oauth-profile.md §15): made on
    /// first use, 256 random bits, the same for every later token of that sector.
    /// </summary>
    public async Task<string> PairwiseRefAsync(string missionId, string sector, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lookup = new PairwiseLookup(sector);
        hooks.Run(h => h.PairwiseLookup(lookup));
        var among = lookup.Sector;
        if (await db.PairwiseReferences.AsNoTracking().FirstOrDefaultAsync(r => r.MissionId == missionId && (among == null || r.Sector == among), ct) is { } existing)
        {
            return existing.Ref;
        }
        var created = new PairwiseReference { Ref = "ref_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), MissionId = missionId, Sector = sector };
        db.PairwiseReferences.Add(created);
        try
        {
            await db.SaveChangesAsync(ct);
            return created.Ref;
        }
        catch (DbUpdateException)
        {
            // A concurrent first use won the unique (Mission, sector) index; its ref is the one.
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            return (await fresh.PairwiseReferences.AsNoTracking().SingleAsync(r => r.MissionId == missionId && r.Sector == sector, ct)).Ref;
        }
    }

    /// <summary>The Mission and sector a pairwise reference names, if it is one of this AS's.</summary>
    public async Task<(MissionRecord Mission, string Sector)?> ResolvePairwiseAsync(string reference, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.PairwiseReferences.AsNoTracking().SingleOrDefaultAsync(r => r.Ref == reference, ct);
        return found is not null && await FindAsync(found.MissionId, ct) is { } mission ? (mission, found.Sector) : null;
    }

    public async Task<MissionRecord?> FindByRequestUriAsync(string requestUri, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Missions.AsNoTracking().FirstOrDefaultAsync(m => m.RequestUri == requestUri, ct);
        return record is null ? null : await ExpireIfDueAsync(record, ct);
    }

    public async Task<IReadOnlyList<MissionRecord>> ListAsync(string? clientId, string? subject, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Missions.AsNoTracking();
        if (clientId is not null) query = query.Where(m => m.ClientId == clientId);
        if (subject is not null) query = query.Where(m => m.Subject == subject);
        var records = await query.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        var current = new List<MissionRecord>(records.Count);
        foreach (var record in records) current.Add(await ExpireIfDueAsync(record, ct));
        return current;
    }

    /// <summary>
    /// pending_approval → active, with the anchors computed over what was approved and shown. A successor of a Mission
    /// Expansion completes the Mission it supersedes in the same transaction (oauth-profile.md §13).
    /// </summary>
    public async Task<MissionRecord?> ApproveAsync(string id, string subject, string approver, JsonObject disclosure, CancellationToken ct)
    {
        var approved = new MissionOutcome(this, await ActivateAsync(id, subject, approver, disclosure, ct), approver, ct);
        await hooks.RunAsync(h => h.ApprovedAsync(approved));
        return approved.Record;
    }

    private async Task<MissionRecord?> ActivateAsync(string id, string subject, string approver, JsonObject disclosure, CancellationToken ct)
    {
        return await MutateAsync(id, record =>
        {
            var approval = new Approval(record, JsonNode.Parse(record.IntentJson)!, disclosure);
            hooks.Run(h => h.Approving(approval));
            if (!approval.Approvable) return false;

            record.ProposalHash = Anchor(IntegrityAnchor.IntentEnvelope, IntegrityAnchor.IntentSchema, record, approval.ProposedIntent);
            record.AuthorityHash = Anchor(IntegrityAnchor.AuthoritySetEnvelope, IntegrityAnchor.AuthoritySetSchema, record, JsonNode.Parse(record.AuthoritySetJson)!);
            record.ConsentRenderingHash = Anchor(IntegrityAnchor.ConsentDisclosureEnvelope, IntegrityAnchor.ConsentDisclosureSchema, record, approval.Rendered);
            record.ConsentDisclosureJson = disclosure.ToJsonString();
            record.Subject = subject;
            record.Approver = approver;
            record.ApprovalEventId = "apv_" + RandomToken(18);
            record.ApprovedAt = clock.GetUtcNow().ToUnixTimeSeconds();
            return !approval.Activates || Lifecycle.Move(record, MissionState.Active, approver, "approve", null);
        }, ct, completesSupersededAs: approver);
    }

    /// <summary>pending_approval → rejected, when the user denies at consent; a denied expansion leaves the Mission it would supersede as it was.</summary>
    public async Task<MissionRecord?> RejectAsync(string id, string approver, CancellationToken ct)
    {
        var rejected = new MissionOutcome(this, await MutateAsync(id, record => record.State == MissionState.PendingApproval
            && Lifecycle.Move(record, MissionState.Rejected, approver, "deny", null), ct), approver, ct);
        await hooks.RunAsync(h => h.RejectedAsync(rejected));
        return rejected.Record;
    }

    /// <summary>A lifecycle operation: legal transition, idempotent repeat, or conflict (lifecycle.md).</summary>
    public async Task<(TransitionOutcome Outcome, MissionRecord? Record)> ApplyAsync(
        string id, string operation, string actor, string? reason, CancellationToken ct)
    {
        var outcome = TransitionOutcome.NotFound;
        var record = await MutateAsync(id, record =>
        {
            (outcome, var changed) = Lifecycle.Apply(record, operation, actor, reason);
            return changed;
        }, ct);
        return (outcome, record);
    }

    /// <summary>
    /// Counts one derivation if the Mission is in a deriving state and its budget allows (MBO-AS-GATE-008):
    /// the check and the increment happen in one transaction. Returns the record as it now is.
    /// </summary>
    public async Task<(bool Consumed, MissionRecord? Record)> TryConsumeDerivationAsync(
        string id, IReadOnlySet<string> derivableStates, CancellationToken ct)
    {
        var count = new DerivationCount(this, id, derivableStates, ct);
        hooks.Run(h => h.CountingDerivation(count));
        if (count.Instead is { } instead)
        {
            return await instead();
        }
        var consumed = false;
        var record = await MutateAsync(id, record =>
        {
            if (!derivableStates.Contains(record.State)) return false;
            if (record.MaxDerivations is { } max && record.Derivations >= max && count.BudgetApplies) return false;
            record.Derivations++;
            consumed = true;
            return true;
        }, ct);
        return (consumed, record);
    }

    /// <summary>Lazy expiry (lifecycle.md open point 5): a Mission moves to expired when next observed past its expiry.</summary>
    private async Task<MissionRecord> ExpireIfDueAsync(MissionRecord record, CancellationToken ct)
    {
        if (!Lifecycle.IsDue(record)) return record;
        return await MutateAsync(record.Id, r => Lifecycle.IsDue(r) && Lifecycle.Move(r, MissionState.Expired, "clock", "expire", null), ct) ?? record;
    }

    /// <summary>A read-check-write of one record in one IMMEDIATE transaction: <paramref name="change"/> says whether it changed it.</summary>
    /// <param name="completesSupersededAs">
    /// For an activation: the actor in whose name a Mission Expansion's successor, once active, completes the Mission it
    /// supersedes (oauth-profile.md §13), in the same transaction, so no reader ever sees both active.
    /// </param>
    public async Task<MissionRecord?> MutateAsync(string id, Func<MissionRecord, bool> change, CancellationToken ct, string? completesSupersededAs = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var record = await db.Missions.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (record is null) return null;
        var was = record.State;
        var changed = change(record);
        (MissionRecord Record, string Was)? superseded = null;
        if (changed && completesSupersededAs is not null && record is { State: MissionState.Active, Supersedes: { } priorId } && CompletesPrior()
            && await db.Missions.SingleOrDefaultAsync(m => m.Id == priorId, ct) is { } prior && LifecycleOperation.LegalSources(LifecycleOperation.Complete).Contains(prior.State))
        {
            superseded = (prior, prior.State);
            Lifecycle.Move(prior, MissionState.Completed, completesSupersededAs, LifecycleOperation.Complete, $"superseded by {record.Id} (Mission Expansion)");
            prior.UpdatedAt = clock.GetUtcNow().ToUnixTimeSeconds();
        }
        if (changed)
        {
            record.UpdatedAt = clock.GetUtcNow().ToUnixTimeSeconds();
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        // After the commit: a receiver never hears of a state the store did not keep.
        if (changed && record.State != was) events.Changed(record, was, PairwiseRefAsync);
        if (superseded is var (completed, completedFrom)) events.Changed(completed, completedFrom, PairwiseRefAsync);
        return record;
    }

    private bool CompletesPrior()
    {
        var supersession = new Supersession();
        hooks.Run(h => h.Superseding(supersession));
        return supersession.CompletesPrior;
    }

    private string Anchor(string envelope, string schema, MissionRecord record, JsonNode value)
    {
        var anchor = new AnchorDraft(envelope, value, IntegrityAnchor.Compute(envelope, schema, record.Tenant, record.Origin, value));
        hooks.Run(h => h.AnchorComputed(anchor));
        return anchor.Anchor;
    }

    /// <summary>Opaque, at least 128 bits (MBO-AS-REC-001), nothing about principals in it (MBO-AS-REC-002).</summary>
    public static string RandomToken(int bytes) => IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(bytes));
}
