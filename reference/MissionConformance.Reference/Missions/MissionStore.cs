using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>The result of a lifecycle operation.</summary>
public enum TransitionOutcome { Applied, AlreadyInState, Conflict, NotFound }

/// <summary>
/// Durable Mission records. Every mutation is a read-check-write inside one IMMEDIATE SQLite
/// transaction, so concurrent transitions and derivations serialise (MBO-AS-GATE-009).
/// </summary>
public sealed class MissionStore(IDbContextFactory<ReferenceDbContext> dbFactory, FaultSet faults, TimeProvider clock, ReferenceSettings settings,
    LifecycleEventTransmitter events)
{
    /// <summary>How long a pending record waits for approval before it expires (lifecycle.md).</summary>
    public static readonly TimeSpan ApprovalWindow = TimeSpan.FromMinutes(10);

    private int _sequence;

    public async Task<MissionRecord> CreatePendingAsync(
        AdmittedIntent intent, string clientId, string requestUri, IReadOnlyList<string> requestedResources,
        string? loginHint, CancellationToken ct, string? supersedes = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var submittedJson = intent.Submitted.ToJsonString();

        if (faults.Has(Fault.ReuseMissionIdForIdenticalIntent))
        {
            var twin = await db.Missions.FirstOrDefaultAsync(
                m => m.ClientId == clientId && m.SubmittedIntentJson == submittedJson &&
                     (m.State == MissionState.PendingApproval || m.State == MissionState.Active), ct);
            if (twin is not null)
            {
                twin.RequestUri = requestUri;
                twin.State = MissionState.PendingApproval;
                await db.SaveChangesAsync(ct);
                return twin;
            }
        }

        var now = clock.GetUtcNow();
        var record = new MissionRecord
        {
            Id = await NewMissionIdAsync(db, clientId, ct),
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
            HistoryJson = new JsonArray(HistoryEntry(MissionState.PendingApproval, now, clientId, "submit", null)).ToJsonString(),
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
        var shared = faults.Has(Fault.PairwiseRefSharedAcrossSectors);
        if (await db.PairwiseReferences.AsNoTracking().FirstOrDefaultAsync(r => r.MissionId == missionId && (shared || r.Sector == sector), ct) is { } existing)
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
        var approved = await ActivateAsync(id, subject, approver, disclosure, ct);
        if (approved is { Supersedes: not null } && faults.Has(Fault.ExpansionWithoutSupersedes))
        {
            approved = await MutateAsync(id, record =>
            {
                record.Supersedes = null;
                return true;
            }, ct);
        }
        return approved;
    }

    private async Task<MissionRecord?> ActivateAsync(string id, string subject, string approver, JsonObject disclosure, CancellationToken ct)
    {
        return await MutateAsync(id, record =>
        {
            var reapproval = faults.Has(Fault.ReuseMissionIdForIdenticalIntent) && record.State == MissionState.Active;
            if (record.State != MissionState.PendingApproval && !reapproval) return false;

            var intent = JsonNode.Parse(faults.Has(Fault.ProposalHashOverRawIntent) ? record.SubmittedIntentJson : record.IntentJson)!;
            record.ProposalHash = Anchor(IntegrityAnchor.IntentEnvelope, IntegrityAnchor.IntentSchema, record, intent);
            record.AuthorityHash = Anchor(IntegrityAnchor.AuthoritySetEnvelope, IntegrityAnchor.AuthoritySetSchema, record, JsonNode.Parse(record.AuthoritySetJson)!);
            var rendered = faults.Has(Fault.ConstantRenderingHash) ? new JsonObject { ["template"] = "consent-page" } : disclosure;
            record.ConsentRenderingHash = Anchor(IntegrityAnchor.ConsentDisclosureEnvelope, IntegrityAnchor.ConsentDisclosureSchema, record, rendered);
            record.ConsentDisclosureJson = disclosure.ToJsonString();
            record.Subject = subject;
            record.Approver = approver;
            record.ApprovalEventId = "apv_" + RandomToken(18);
            record.ApprovedAt = clock.GetUtcNow().ToUnixTimeSeconds();
            return faults.Has(Fault.ActivateOnRedemption) || Transition(record, MissionState.Active, approver, "approve", null);
        }, ct, completesSupersededAs: approver);
    }

    /// <summary>Fault FrontChannelWidensAuthority: adds front-channel entries to a pending Authority Set.</summary>
    public Task<MissionRecord?> WidenPendingAsync(string id, string authorizationDetails, CancellationToken ct)
        => MutateAsync(id, record =>
        {
            if (record.State != MissionState.PendingApproval || TryParse(authorizationDetails) is not JsonArray extra) return false;
            var set = JsonNode.Parse(record.AuthoritySetJson)!.AsArray();
            foreach (var entry in extra) set.Add(entry!.DeepClone());
            record.AuthoritySetJson = set.ToJsonString();
            return true;
        }, ct);

    /// <summary>Fault FrontChannelScopeGranted: the front channel's scope is kept for the Mission's tokens.</summary>
    public Task<MissionRecord?> GrantFrontChannelScopeAsync(string id, string scope, CancellationToken ct)
        => MutateAsync(id, record =>
        {
            if (record.State != MissionState.PendingApproval) return false;
            record.FrontChannelScope = scope;
            return true;
        }, ct);

    /// <summary>Faults ChangeAuthorityAfterRender and StepUpWidensAuthority: the pending Authority Set's first entry gains an action (once).</summary>
    public Task<MissionRecord?> AddActionToPendingAsync(string id, string action, CancellationToken ct)
        => MutateAsync(id, record =>
        {
            if (record.State != MissionState.PendingApproval) return false;
            var set = JsonNode.Parse(record.AuthoritySetJson)!.AsArray();
            var actions = set[0]!["actions"]!.AsArray();
            if (actions.Any(a => (string?)a == action)) return false;
            actions.Add(action);
            record.AuthoritySetJson = set.ToJsonString();
            return true;
        }, ct);

    /// <summary>Fault ActivateOnRedemption: the approved-but-pending record activates when its code is redeemed.</summary>
    public Task<MissionRecord?> ActivateLateAsync(string id, CancellationToken ct)
        => MutateAsync(id, record => record.State == MissionState.PendingApproval && record.ApprovalEventId is not null
            && Transition(record, MissionState.Active, record.Approver!, "approve", null), ct, completesSupersededAs: "clock");

    /// <summary>pending_approval → rejected, when the user denies at consent; a denied expansion leaves the Mission it would supersede as it was.</summary>
    public async Task<MissionRecord?> RejectAsync(string id, string approver, CancellationToken ct)
    {
        var rejected = await MutateAsync(id, record => record.State == MissionState.PendingApproval
            && Transition(record, MissionState.Rejected, approver, "deny", null), ct);
        if (rejected is { State: MissionState.Rejected, Supersedes: { } prior } && faults.Has(Fault.DeniedExpansionEndsPrior))
        {
            await ApplyAsync(prior, LifecycleOperation.Complete, approver, "expansion denied", ct);
        }
        return rejected;
    }

    /// <summary>A lifecycle operation: legal transition, idempotent repeat, or conflict (lifecycle.md).</summary>
    public async Task<(TransitionOutcome Outcome, MissionRecord? Record)> ApplyAsync(
        string id, string operation, string actor, string? reason, CancellationToken ct)
    {
        var outcome = TransitionOutcome.NotFound;
        var record = await MutateAsync(id, record =>
        {
            var target = LifecycleOperation.TargetState(operation);
            var sources = new HashSet<string>(LifecycleOperation.LegalSources(operation));
            if (operation == LifecycleOperation.Resume && faults.Has(Fault.ResumeFromTerminal))
            {
                sources.UnionWith([MissionState.Revoked, MissionState.Completed]);
            }
            if (operation == LifecycleOperation.Complete && faults.Has(Fault.CompleteWhileSuspended))
            {
                sources.Add(MissionState.Suspended);
            }

            if (record.State == target && !faults.Has(Fault.NonIdempotentLifecycle))
            {
                outcome = TransitionOutcome.AlreadyInState;
                return false;
            }
            if (!sources.Contains(record.State))
            {
                outcome = TransitionOutcome.Conflict;
                return false;
            }
            outcome = TransitionOutcome.Applied;
            var noOp = operation == LifecycleOperation.Revoke && faults.Has(Fault.RevokeIsNoOp)
                    || operation == LifecycleOperation.Suspend && faults.Has(Fault.SuspendIsNoOp);
            return noOp || Transition(record, target, actor, operation, reason);
        }, ct);
        return (outcome, record);
    }

    /// <summary>
    /// Counts one derivation if the Mission is in a deriving state (only active, but for faults) and
    /// its budget allows (MBO-AS-GATE-008):
    /// the check and the increment happen in one transaction. Returns the record as it now is.
    /// </summary>
    public async Task<(bool Consumed, MissionRecord? Record)> TryConsumeDerivationAsync(
        string id, IReadOnlySet<string> derivableStates, CancellationToken ct)
    {
        if (faults.Has(Fault.RacyDerivationCounter))
        {
            return await ConsumeRacilyAsync(id, ct);
        }
        var consumed = false;
        var record = await MutateAsync(id, record =>
        {
            if (!derivableStates.Contains(record.State)) return false;
            if (record.MaxDerivations is { } max && record.Derivations >= max && !faults.Has(Fault.IgnoreMaxDerivations)) return false;
            record.Derivations++;
            consumed = true;
            return true;
        }, ct);
        return (consumed, record);
    }

    /// <summary>Fault RacyDerivationCounter: check, yield, then write — a second request slips in between.</summary>
    private async Task<(bool, MissionRecord?)> ConsumeRacilyAsync(string id, CancellationToken ct)
    {
        var seen = await FindAsync(id, ct);
        if (seen is null || seen.State != MissionState.Active || seen.MaxDerivations is { } max && seen.Derivations >= max)
        {
            return (false, seen);
        }
        await Task.Delay(50, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Missions.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Derivations, seen.Derivations + 1), ct);
        return (true, seen);
    }

    /// <summary>Lazy expiry (lifecycle.md open point 5): a Mission moves to expired when next observed past its expiry.</summary>
    private async Task<MissionRecord> ExpireIfDueAsync(MissionRecord record, CancellationToken ct)
    {
        if (!IsDue(record)) return record;
        return await MutateAsync(record.Id, r => IsDue(r) && Transition(r, MissionState.Expired, "clock", "expire", null), ct) ?? record;
    }

    private bool IsDue(MissionRecord record)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return record.State switch
        {
            MissionState.Active or MissionState.Suspended => now >= record.MissionExpiry && !faults.Has(Fault.IgnoreMissionExpiry),
            MissionState.PendingApproval => now >= record.CreatedAt + (long)ApprovalWindow.TotalSeconds,
            _ => false,
        };
    }

    /// <param name="completesSupersededAs">
    /// For an activation: the actor in whose name a Mission Expansion's successor, once active, completes the Mission it
    /// supersedes (oauth-profile.md §13), in the same transaction, so no reader ever sees both active.
    /// </param>
    private async Task<MissionRecord?> MutateAsync(string id, Func<MissionRecord, bool> change, CancellationToken ct, string? completesSupersededAs = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var record = await db.Missions.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (record is null) return null;
        var was = record.State;
        var changed = change(record);
        (MissionRecord Record, string Was)? superseded = null;
        if (changed && completesSupersededAs is not null && record is { State: MissionState.Active, Supersedes: { } priorId } && !faults.Has(Fault.ExpansionLeavesPriorActive)
            && await db.Missions.SingleOrDefaultAsync(m => m.Id == priorId, ct) is { } prior && LifecycleOperation.LegalSources(LifecycleOperation.Complete).Contains(prior.State))
        {
            superseded = (prior, prior.State);
            Transition(prior, MissionState.Completed, completesSupersededAs, LifecycleOperation.Complete, $"superseded by {record.Id} (Mission Expansion)");
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

    private bool Transition(MissionRecord record, string to, string actor, string operation, string? reason)
    {
        var history = JsonNode.Parse(record.HistoryJson)!.AsArray();
        history.Add(HistoryEntry(to, clock.GetUtcNow(), actor, operation, reason));
        record.HistoryJson = history.ToJsonString();
        record.State = to;
        record.Version++;
        return true;
    }

    private static JsonObject HistoryEntry(string state, DateTimeOffset at, string actor, string operation, string? reason) => new()
    {
        ["state"] = state,
        ["at"] = MissionIntentValidator.FormatRfc3339(at),
        ["actor"] = actor,
        ["operation"] = operation,
        ["reason"] = reason,
    };

    private string Anchor(string envelope, string schema, MissionRecord record, JsonNode value)
    {
        var anchor = envelope == IntegrityAnchor.AuthoritySetEnvelope && faults.Has(Fault.AuthorityHashWithoutEnvelope)
            ? IntegrityAnchor.Digest(Jcs.Canonicalize(System.Text.Json.JsonSerializer.SerializeToElement(value)))
            : IntegrityAnchor.Compute(envelope, schema, record.Tenant, record.Origin, value);
        if (!faults.Has(Fault.PaddedAnchors)) return anchor;
        var raw = anchor["sha-256:".Length..].Replace('-', '+').Replace('_', '/');
        return raw + new string('=', (4 - raw.Length % 4) % 4);
    }

    /// <summary>Opaque, at least 128 bits (MBO-AS-REC-001), nothing about principals in it (MBO-AS-REC-002).</summary>
    private async Task<string> NewMissionIdAsync(ReferenceDbContext db, string clientId, CancellationToken ct)
    {
        if (faults.Has(Fault.SequentialMissionId))
        {
            // Seeded from the database once, then a process-wide sequence: concurrent PARs never collide.
            if (Interlocked.CompareExchange(ref _sequence, 0, 0) == 0) Interlocked.CompareExchange(ref _sequence, await db.Missions.CountAsync(ct), 0);
            return "msn_" + Interlocked.Increment(ref _sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        }
        return faults.Has(Fault.MissionIdEmbedsSubject) ? $"msn_{clientId}_{RandomToken(18)}" : "msn_" + RandomToken(18);
    }

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string RandomToken(int bytes) => IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(bytes));
}
