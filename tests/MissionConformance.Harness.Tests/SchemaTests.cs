using System.Text.Json.Nodes;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// Every schema with a valid sample and invalid ones that must be caught at the expected JSON
/// Pointer: a keyword the validator ignored (NJsonSchema, before issue 20, ignored dependencies and if/then) would show up here as a failing negative sample.
/// </summary>
public sealed class SchemaTests
{
    private const string Entry = """{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["create_doc"],"constraints":{"folder":"x"}}""";
    private const string Mission = """{"id":"msn_ABCDEFGHIJKLMNOPQRSTUVWX","origin":"https://as.example/","authority_hash":"sha-256:3kPzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""";
    private const string Anchor = "sha-256:3kPzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private const string EvaluationMission = """{"id":"msn_1","origin":"https://as.example/","authority_hash":"sha-256:3kPz","policy_version":"p1","policy_view_id":"sha-256:v","policy_view_version":"1"}""";
    private const string Freshness = """{"mission_status_issued_at":"2026-11-23T10:00:00Z","mission_status_expires_at":"2026-11-23T10:01:00Z","mode":"fresh","freshness_at":"2026-11-23T10:00:00Z"}""";

    private const string Execution = """{"execution_id":"ex_1","decision_id":"dec_1","mission_id":"msn_1","parameter_digest":"sha-256:3kPz","outcome":"completed","outcome_at":"2026-11-23T10:00:01Z","result_summary":{"tool":"create_doc"},"evidence_envelope":{"format":"jws-compact","value":"a.b.c"}}""";

    private const string MissionAuthority = """{"issuer":"https://as.example/","jwks_uri":"https://as.example/jwks","mission_status_endpoint":"https://as.example/status","mission_lifecycle_endpoint":"https://as.example/lifecycle","mission_intent_schema_uri":"https://as.example/intent.json","authority_set_types_supported":["mission_resource_access"],"mission_pairwise_supported":false,"mission_framework_versions_supported":["seed-2026-06"],"mission_normalization_profiles_supported":["urn:mbo:norm:mission-intent:1"],"mission_capability_advertisement":{"mission_authorization_domain_tiers_supported":["AD-1","AD-3"]}}""";

    private const string Manifest = """{"manifest_id":"m1","issuer":"https://rs.example/","issued_at":"2026-11-23T10:00:00Z","version":"1","action_classes_covered":["consequential_write"],"pep_locations":[{"pep_id":"p","kind":"in_process_middleware","covers":["create_doc"],"endpoint_uri":"https://rs.example/mcp"}],"freshness_mode":"cached","max_stale_seconds":5}""";

    private const string LifecycleSet = """{"iss":"https://as.example/","aud":"https://rs.example/mcp","iat":1780003600,"jti":"set-91ab","events":{"https://schemas.karlmcguinness.com/mission/lifecycle-change":{"mission":{"id":"msn_1","origin":"https://as.example/"},"prior_state":"active","state":"revoked","committed_at":"2026-06-01T11:00:00Z","reason":"user stopped task"}}}""";

    private const string DecisionRecord = """{"decision_id":"dec_1","mission":{"id":"msn_1","origin":"https://as.example/","authority_hash":"sha-256:abc"},"subject":{"type":"user","id":"u"},"resource":{"type":"mcp_tool","id":"https://rs.example/mcp"},"action":{"name":"export_ledger"},"audience":"https://rs.example/mcp","decision":"expandable_deny","denial_reason":"out_of_authority","evaluated_at":"2026-12-07T18:00:00Z","evidence_envelope":{"format":"jws-compact","value":"a.b.c"},"expansion":{"eligible":true,"access_request_uri":"https://pdp.example/access/v1/requests"}}""";

    private static string Evaluation(string mission = EvaluationMission, string freshness = Freshness, string extra = "")
        => $$$"""{"subject":{"type":"user","id":"u"},"resource":{"type":"mcp_tool","id":"https://rs.example/mcp"},"action":{"name":"create_doc"},"context":{"mission":{{{mission}}},"audience":"https://rs.example/mcp","freshness":{{{freshness}}}{{{extra}}}}}""";

    public static TheoryData<string, ArtifactKind, string> Valid => new()
    {
        { "execution evidence", ArtifactKind.ExecutionEvidence, Execution },
        { "manifest", ArtifactKind.EnforcementManifest, Manifest },
        { "mission-authority document", ArtifactKind.MissionAuthority, MissionAuthority },
        { "introspection of a revoked Mission's token", ArtifactKind.IntrospectionResponse, $$$"""{"active":false,"sub":"u","aud":"https://rs.example/mcp","mission":{"id":"msn_1","origin":"https://as.example/","authority_hash":"{{{Anchor}}}","state":"revoked"}}""" },
        { "introspection of garbage", ArtifactKind.IntrospectionResponse, """{"active":false}""" },
        { "json-rpc error", ArtifactKind.JsonRpcResponse, """{"jsonrpc":"2.0","id":"a","error":{"code":-32602,"message":"unknown tool"}}""" },
        { "protected resource metadata", ArtifactKind.ProtectedResourceMetadata, """{"resource":"https://rs.example/mcp","authorization_servers":["https://as.example/"],"bearer_methods_supported":["header"],"x_vendor":1}""" },
        { "failed execution with its error", ArtifactKind.ExecutionEvidence, Execution.Replace("\"completed\"", "\"failed\",\"error\":\"timeout\"", StringComparison.Ordinal) },
        { "evidence export", ArtifactKind.EvidenceExport, $$"""{"mission_id":"msn_1","execution_evidence":[{{Execution}}]}""" },
        { "evaluation", ArtifactKind.EvaluationRequest, Evaluation(extra: ""","tool_id":"t","parameters":{"folder":"x"},"parameter_digest":"sha-256:abc","actor":{"client_id":"c"}""") },
        { "metadata", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"https://as.example/token","jwks_uri":"https://as.example/jwks","mission_intent_max_size":16384,"mission_ladder_levels_supported":[0,1],"mission_authorization_domain_tiers_supported":["AD-1"],"mission_pairwise_supported":false}""" },
        { "par", ArtifactKind.ParResponse, """{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}""" },
        { "gating error", ArtifactKind.OAuthError, """{"error":"invalid_grant","error_description":"mission not active","mission_state":"revoked"}""" },
        { "token response", ArtifactKind.TokenResponse, $$"""{"access_token":"x","token_type":"Bearer","expires_in":300,"authorization_details":[{{Entry}}]}""" },
        { "act of a second hop", ArtifactKind.Act, """{"sub":"sub-agent","iss":"https://as.example/","sub_profile":"ai_agent","act":{"sub":"agent-delegate","sub_profile":"ai_agent"}}""" },
        { "token exchange response", ArtifactKind.TokenExchangeResponse, $$"""{"access_token":"x","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300,"authorization_details":[{{Entry}}]}""" },
        { "id-jag claims", ArtifactKind.IdJagClaims, $$"""{"iss":"https://as.example/","sub":"u","aud":"https://ras.example/","client_id":"c","iat":1,"exp":121,"jti":"j","cnf":{"jkt":"k"},"authorization_details":[{{Entry}}],"mission":{{Mission}}}""" },
        { "id-jag response", ArtifactKind.IdJagResponse, """{"access_token":"x","issued_token_type":"urn:ietf:params:oauth:token-type:id-jag","token_type":"n_a","expires_in":120}""" },
        { "foreign RAR type", ArtifactKind.AuthorizationDetails, $$"""[{{Entry}},{"type":"payment_initiation","amount":1}]""" },
        { "header", ArtifactKind.AccessTokenHeader, """{"typ":"at+jwt","alg":"ES256","kid":"k"}""" },
        { "claims", ArtifactKind.AccessTokenClaims, $$"""{"iss":"https://as.example/","sub":"u","aud":"https://rs.example/mcp","client_id":"c","iat":1,"exp":2,"jti":"j","authorization_details":[{{Entry}}],"mission":{{Mission}}}""" },
        { "pairwise mission", ArtifactKind.MissionClaim, """{"ref":"ref_1","origin":"https://as.example/","authority_hash":"sha-256:abc"}""" },
        { "intent", ArtifactKind.MissionIntent, """{"goal":"g","objects":["o"],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z","context":{"max_derivations":"2","x_k":1},"x_note":"n"}""" },
        { "record", ArtifactKind.MissionRecord, """{"mission":{"id":"msn_1","origin":"https://as.example/"},"state":"active","tenant":"t","mission_intent":{},"authority_set":[]}""" },
        { "status", ArtifactKind.MissionStatus, $$$"""{"iss":"https://as.example/","aud":"c","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","origin":"https://as.example/"},"state":"suspended","integrity_anchors":{"proposal_hash":"{{{Anchor}}}","authority_hash":"{{{Anchor}}}"},"authority_projection":[],"issued_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T00:01:00Z","freshness_at":"2026-01-01T00:00:00Z","mission_expiry":"2026-02-01T00:00:00Z","audience":"c","lifecycle_event":{"operation":"suspend"}}""" },
        { "status ietf-2026-08", ArtifactKind.MissionStatusIetf, $$$"""{"iss":"https://as.example","aud":"https://erp.example.com","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","issuer":"https://as.example","authority_hash":"{{{Anchor}}}","state":"superseded","version":4,"expires_at":"2026-12-31T23:59:59Z","fresh_until":"2026-11-02T08:00:45Z","successor":"m2"},"authorization_details":[{"type":"mission_resource_access","resource":"https://erp.example.com","actions":["invoices.read"]}]}""" },
        { "authorization details types metadata", ArtifactKind.AuthorizationDetailsTypesMetadata, """{"mission_resource_access":{"schema":{"type":"object"},"version":"1"},"other":{"schema_uri":"https://as.example/other.json"}}""" },
        { "effects observation", ArtifactKind.EffectsObservation, """{"mission_id":"msn_1","executions":[{"tool":"query_financials","at":"2026-12-07T18:00:00Z"}]}""" },
        { "pdp metadata", ArtifactKind.PdpMetadata, """{"policy_decision_point":"https://pdp.example/","access_evaluation_endpoint":"https://pdp.example/access/v1/evaluation","access_evaluations_endpoint":"https://pdp.example/access/v1/evaluations"}""" },
        { "permit", ArtifactKind.EvaluationResponse, """{"decision":true,"context":{"decision_id":"dec_1"}}""" },
        { "requestable denial", ArtifactKind.EvaluationResponse, """{"decision":false,"context":{"evaluation_id":"ev-7f3a","reason":"approval_required","access_request":{"endpoint":"https://as.example.net/access/v1/requests","template":"t","expires_at":"2026-06-01T12:00:00Z","binding_token":"eyJ"}}}""" },
        { "batch decisions", ArtifactKind.EvaluationsResponse, """{"evaluations":[{"decision":true},{"decision":false,"context":{"reason":"out_of_authority"}}]}""" },
        { "decision evidence, expandable deny", ArtifactKind.DecisionEvidence, DecisionRecord },
        { "decision evidence export", ArtifactKind.DecisionEvidenceExport, $$"""{"mission_id":"msn_1","decision_evidence":[{{DecisionRecord}}]}""" },
        { "mcp initialize result", ArtifactKind.McpInitializeResult, """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}""" },
        { "mcp tools/list result", ArtifactKind.McpListToolsResult, """{"tools":[{"name":"create_doc","inputSchema":{"type":"object","properties":{}}}]}""" },
        { "mcp tools/call result", ArtifactKind.McpCallToolResult, """{"content":[{"type":"text","text":"done"}],"isError":false}""" },
        { "mcp tools/call as a task", ArtifactKind.McpCallToolResult, """{"task":{"taskId":"t1","status":"working"}}""" },
        { "mcp task", ArtifactKind.McpTask, """{"taskId":"t1","status":"completed","pollInterval":500}""" },
        { "conflict", ArtifactKind.ConcurrentModification, """{"error":"mission_concurrent_modification","current_state":"revoked","observed_state":"suspended"}""" },
        { "not found", ArtifactKind.StatusError, """{"error":"not_found","error_description":"mission not found","nonce":"abc"}""" },
        { "lifecycle SET (mas.md's sample)", ArtifactKind.LifecycleEventSet, LifecycleSet },
        { "lifecycle SET under another event key, with a ref and an unknown state", ArtifactKind.LifecycleEventSet,
            """{"iss":"https://mas.example/","aud":["https://rs.example/mcp"],"iat":1,"jti":"j","events":{"urn:example:mission-state":{"mission":{"ref":"ref_1","origin":"https://mas.example/"},"state":"paused_by_operator"}}}""" },
        { "mission status request by private_key_jwt", ArtifactKind.MissionStatusRequest,
            """{"mission":"msn_1","audience":"https://rs.example/mcp","nonce":"n0nce-0123456789_abc","client_assertion_type":"urn:ietf:params:oauth:client-assertion-type:jwt-bearer","client_assertion":"a.b.c"}""" },
        { "mission status request by a pairwise ref, authenticated outside the form", ArtifactKind.MissionStatusRequest,
            """{"mission":"mref_1","audience":"https://as.example/","nonce":"0123456789abcdef"}""" },
        { "id-jag request", ArtifactKind.TokenExchangeRequest,
            """{"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","subject_token":"rt","subject_token_type":"urn:ietf:params:oauth:token-type:refresh_token","audience":"https://as.example/","requested_token_type":"urn:ietf:params:oauth:token-type:id-jag"}""" },
        { "baseline", ArtifactKind.Baseline,
            """{"schema_version":"mission-conformance-baseline/1","entries":[{"requirement":"MBO-AS-TOK-007","verdict":"FAILED","reason":"upstream issue 12"}]}""" },
        { "delegation request", ArtifactKind.TokenExchangeRequest,
            """{"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","subject_token":"at","subject_token_type":"urn:ietf:params:oauth:token-type:access_token","actor_token":"a.b.c","actor_token_type":"urn:ietf:params:oauth:token-type:jwt","resource":"https://rs.example/mcp","client_id":"agent"}""" },
    };

    public static TheoryData<string, ArtifactKind, string, string> Invalid => new()
    {
        { "exchange request without subject_token_type", ArtifactKind.TokenExchangeRequest, """{"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","subject_token":"at"}""", "/subject_token_type" },
        { "exchange request with an actor_token but no type", ArtifactKind.TokenExchangeRequest,
            """{"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","subject_token":"at","subject_token_type":"urn:ietf:params:oauth:token-type:access_token","actor_token":"a.b.c"}""", "/actor_token_type" },
        { "exchange request with a fragment in resource", ArtifactKind.TokenExchangeRequest,
            """{"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange","subject_token":"at","subject_token_type":"urn:ietf:params:oauth:token-type:access_token","resource":"https://rs.example/mcp#x"}""", "/resource" },
        { "mission status request with a 15-character nonce", ArtifactKind.MissionStatusRequest, """{"mission":"msn_1","audience":"a","nonce":"0123456789abcde"}""", "/nonce" },
        { "mission status request with a nonce outside the ABNF", ArtifactKind.MissionStatusRequest, """{"mission":"msn_1","audience":"a","nonce":"0123456789abcdef+/="}""", "/nonce" },
        { "mission status request without audience", ArtifactKind.MissionStatusRequest, """{"mission":"msn_1","nonce":"0123456789abcdef"}""", "/audience" },
        { "mission status request with an assertion but no type", ArtifactKind.MissionStatusRequest, """{"mission":"msn_1","audience":"a","nonce":"0123456789abcdef","client_assertion":"a.b.c"}""", "/client_assertion_type" },
        { "json-rpc with result and error", ArtifactKind.JsonRpcResponse, """{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}""", "" },
        { "json-rpc error without code", ArtifactKind.JsonRpcResponse, """{"jsonrpc":"2.0","id":1,"error":{"message":"m"}}""", "/error/code" },
        { "metadata without resource", ArtifactKind.ProtectedResourceMetadata, """{"authorization_servers":["https://as.example/"]}""", "/resource" },
        { "metadata with one server as a string", ArtifactKind.ProtectedResourceMetadata, """{"resource":"https://rs.example/mcp","authorization_servers":"https://as.example/"}""", "/authorization_servers" },
        { "metadata with a bearer method cookie", ArtifactKind.ProtectedResourceMetadata, """{"resource":"https://rs.example/mcp","bearer_methods_supported":["cookie"]}""", "/bearer_methods_supported/0" },
        { "manifest without PEPs", ArtifactKind.EnforcementManifest, Manifest.Replace("\"pep_locations\"", "\"peps\"", StringComparison.Ordinal), "/pep_locations" },
        { "manifest with an unknown PEP kind", ArtifactKind.EnforcementManifest, Manifest.Replace("in_process_middleware", "firewall", StringComparison.Ordinal), "/pep_locations/0/kind" },
        { "manifest covering no class", ArtifactKind.EnforcementManifest, Manifest.Replace("[\"consequential_write\"]", "[]", StringComparison.Ordinal), "/action_classes_covered" },
        { "execution outcome succeeded", ArtifactKind.ExecutionEvidence, Execution.Replace("\"completed\"", "\"succeeded\"", StringComparison.Ordinal), "/outcome" },
        { "failed execution without error", ArtifactKind.ExecutionEvidence, Execution.Replace("\"completed\"", "\"failed\"", StringComparison.Ordinal), "/error" },
        { "execution without decision_id", ArtifactKind.ExecutionEvidence, Execution.Replace("\"decision_id\":\"dec_1\",", "", StringComparison.Ordinal), "/decision_id" },
        { "execution with an unknown member", ArtifactKind.ExecutionEvidence, Execution.Replace("{\"execution_id\"", "{\"user_note\":\"x\",\"execution_id\"", StringComparison.Ordinal), "/user_note" },
        { "evidence export record without envelope", ArtifactKind.EvidenceExport,
            "{\"execution_evidence\":[" + Execution.Replace(",\"evidence_envelope\":{\"format\":\"jws-compact\",\"value\":\"a.b.c\"}", "", StringComparison.Ordinal) + "]}", "/execution_evidence/0/evidence_envelope" },
        { "evidence export without its list", ArtifactKind.EvidenceExport, """{"mission_id":"msn_1","records":[]}""", "/execution_evidence" },
        { "evaluation without policy_version", ArtifactKind.EvaluationRequest, Evaluation(mission: """{"id":"m","origin":"https://as.example/","authority_hash":"sha-256:a","policy_view_id":"v","policy_view_version":"1"}"""), "/context/mission/policy_version" },
        { "evaluation with an unknown freshness mode", ArtifactKind.EvaluationRequest, Evaluation(freshness: Freshness.Replace("fresh\"", "live\"", StringComparison.Ordinal)), "/context/freshness/mode" },
        { "evaluation without freshness", ArtifactKind.EvaluationRequest, Evaluation().Replace(",\"freshness\":" + Freshness, "", StringComparison.Ordinal), "/context/freshness" },
        { "evaluation with parameters but no digest (dependencies)", ArtifactKind.EvaluationRequest, Evaluation(extra: ""","parameters":{"a":1}"""), "/context" },
        { "pairwise without sector value", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"t","jwks_uri":"j","mission_pairwise_sector":"galaxy"}""", "/mission_pairwise_sector" },
        { "jwks_uri as a number", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"https://as.example/token","jwks_uri":7}""", "/jwks_uri" },
        { "max size as string", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"t","jwks_uri":"j","mission_intent_max_size":"16384"}""", "/mission_intent_max_size" },
        { "level 6", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"t","jwks_uri":"j","mission_ladder_levels_supported":[1,6]}""", "/mission_ladder_levels_supported/1" },
        { "tier AD-4", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"t","jwks_uri":"j","mission_authorization_domain_tiers_supported":["AD-4"]}""", "/mission_authorization_domain_tiers_supported/0" },
        { "empty request_uri (minLength)", ArtifactKind.ParResponse, """{"request_uri":"","expires_in":60}""", "/request_uri" },
        { "conflict with another error code (const)", ArtifactKind.ConcurrentModification, """{"error":"conflict","current_state":"revoked","observed_state":"suspended"}""", "/error" },
        { "negative max_stale_seconds (minimum)", ArtifactKind.AsMetadata, """{"issuer":"https://as.example/","token_endpoint":"https://as.example/token","jwks_uri":"https://as.example/jwks","mission_max_stale_seconds":-1}""", "/mission_max_stale_seconds" },
        { "id-jag for a one-item array of two (maxItems)", ArtifactKind.IdJagClaims, $$"""{"iss":"https://as.example/","sub":"u","aud":["https://ras.example/","https://other.example/"],"client_id":"c","iat":1,"exp":121,"jti":"j","cnf":{"jkt":"k"},"authorization_details":[{{Entry}}],"mission":{{Mission}}}""", "/aud" },
        { "goal over 4096 characters (maxLength)", ArtifactKind.MissionIntent, $$"""{"goal":"{{new string('g', 4097)}}","objects":["o"],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z"}""", "/goal" },
        { "delegate named by sub and sub_profile at once (maxProperties)", ArtifactKind.AuthorizationDetails, """[{"type":"mission_resource_access","resource":"https://rs/","actions":["a"],"delegation":{"max_depth":1,"allowed_delegates":[{"sub":"d","sub_profile":"ai_agent"}]}}]""", "/0/delegation/allowed_delegates/0" },
        { "no expires_in", ArtifactKind.ParResponse, """{"request_uri":"urn:x"}""", "/expires_in" },
        { "zero expires_in", ArtifactKind.ParResponse, """{"request_uri":"urn:x","expires_in":0}""", "/expires_in" },
        { "unknown mission_state", ArtifactKind.OAuthError, """{"error":"invalid_grant","mission_state":"inactive"}""", "/mission_state" },
        { "token response without details", ArtifactKind.TokenResponse, """{"access_token":"x","token_type":"Bearer"}""", "/authorization_details" },
        { "id-jag without cnf", ArtifactKind.IdJagClaims, $$"""{"iss":"https://as.example/","sub":"u","aud":"https://ras.example/","iat":1,"exp":121,"jti":"j","authorization_details":[{{Entry}}],"mission":{{Mission}}}""", "/cnf" },
        { "id-jag for two audiences", ArtifactKind.IdJagClaims, $$"""{"iss":"https://as.example/","sub":"u","aud":["https://ras.example/","https://other.example/"],"iat":1,"exp":121,"jti":"j","cnf":{"jkt":"k"},"authorization_details":[{{Entry}}],"mission":{{Mission}}}""", "/aud" },
        { "id-jag response labelled an access token", ArtifactKind.IdJagResponse, """{"access_token":"x","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"N_A"}""", "/issued_token_type" },
        { "id-jag response with a bearer token_type", ArtifactKind.IdJagResponse, """{"access_token":"x","issued_token_type":"urn:ietf:params:oauth:token-type:id-jag","token_type":"Bearer"}""", "/token_type" },
        { "act without sub", ArtifactKind.Act, """{"iss":"https://as.example/","sub_profile":"ai_agent"}""", "/sub" },
        { "nested act without sub", ArtifactKind.Act, """{"sub":"d","act":{"sub_profile":"ai_agent"}}""", "/act/sub" },
        { "claims with an act that names no actor", ArtifactKind.AccessTokenClaims, $$$"""{"iss":"https://as.example/","sub":"u","aud":"a","client_id":"c","iat":1,"exp":2,"jti":"j","mission":{{{Mission}}},"act":{"iss":"https://as.example/"}}""", "/act/sub" },
        { "exchange response without issued_token_type", ArtifactKind.TokenExchangeResponse, $$"""{"access_token":"x","token_type":"Bearer","authorization_details":[{{Entry}}]}""", "/issued_token_type" },
        { "exchange response with a grant type for a token type", ArtifactKind.TokenExchangeResponse, $$"""{"access_token":"x","issued_token_type":"urn:ietf:params:oauth:grant-type:token-exchange","token_type":"Bearer","authorization_details":[{{Entry}}]}""", "/issued_token_type" },
        { "bad action", ArtifactKind.AuthorizationDetails, """[{"type":"mission_resource_access","resource":"https://rs/","actions":["query financials!"]}]""", "/0/actions/0" },
        { "no actions", ArtifactKind.AuthorizationDetails, """[{"type":"mission_resource_access","resource":"https://rs/","actions":[]}]""", "/0/actions" },
        { "duplicate actions", ArtifactKind.AuthorizationDetails, """[{"type":"mission_resource_access","resource":"https://rs/","actions":["a","a"]}]""", "/0/actions" },
        { "no resource", ArtifactKind.AuthorizationDetails, """[{"type":"mission_resource_access","actions":["a"]}]""", "/0/resource" },
        { "not an array", ArtifactKind.AuthorizationDetails, Entry, "" },
        { "typ JWT", ArtifactKind.AccessTokenHeader, """{"typ":"JWT","alg":"ES256"}""", "/typ" },
        { "alg none", ArtifactKind.AccessTokenHeader, """{"typ":"at+jwt","alg":"none"}""", "/alg" },
        { "no jti", ArtifactKind.AccessTokenClaims, $$"""{"iss":"https://as.example/","sub":"u","aud":"a","client_id":"c","iat":1,"exp":2,"mission":{{Mission}}}""", "/jti" },
        { "mission without authority_hash", ArtifactKind.AccessTokenClaims, """{"iss":"https://as.example/","sub":"u","aud":"a","client_id":"c","iat":1,"exp":2,"jti":"j","mission":{"id":"m","origin":"https://as.example/"}}""", "/mission/authority_hash" },
        { "id and ref", ArtifactKind.MissionClaim, """{"id":"m","ref":"r","origin":"https://as.example/","authority_hash":"sha-256:abc"}""", "" },
        { "neither id nor ref", ArtifactKind.MissionClaim, """{"origin":"https://as.example/","authority_hash":"sha-256:abc"}""", "" },
        { "id with a dot", ArtifactKind.MissionClaim, """{"id":"msn.1","origin":"https://as.example/","authority_hash":"sha-256:abc"}""", "/id" },
        { "unknown member", ArtifactKind.MissionIntent, """{"goal":"g","objects":["o"],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z","foo":1}""", "/foo" },
        { "unknown context member", ArtifactKind.MissionIntent, """{"goal":"g","objects":["o"],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z","context":{"bar":1}}""", "/context/bar" },
        { "max_derivations 0", ArtifactKind.MissionIntent, """{"goal":"g","objects":["o"],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z","context":{"max_derivations":"0"}}""", "/context/max_derivations" },
        { "empty objects", ArtifactKind.MissionIntent, """{"goal":"g","objects":[],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z"}""", "/objects" },
        { "no goal", ArtifactKind.MissionIntent, """{"objects":["o"],"constraints":[],"success_criteria":[],"mission_expiry":"2026-12-01T10:00:00Z"}""", "/goal" },
        { "record state", ArtifactKind.MissionRecord, """{"mission":{"id":"m","origin":"https://as.example/"},"state":"paused","tenant":"t","mission_intent":{},"authority_set":[]}""", "/state" },
        { "effects observation execution without its tool", ArtifactKind.EffectsObservation, """{"executions":[{"at":"2026-12-07T18:00:00Z"}]}""", "/executions/0/tool" },
        { "pdp metadata without its evaluation endpoint", ArtifactKind.PdpMetadata, """{"policy_decision_point":"https://pdp.example/"}""", "/access_evaluation_endpoint" },
        { "decision as a string", ArtifactKind.EvaluationResponse, """{"decision":"permit"}""", "/decision" },
        { "access request without its evaluation_id", ArtifactKind.EvaluationResponse,
            """{"decision":false,"context":{"access_request":{"endpoint":"https://as.example.net/r","expires_at":"2026-06-01T12:00:00Z","binding_token":"b"}}}""", "/context" },
        { "access request without binding_token", ArtifactKind.EvaluationResponse,
            """{"decision":false,"context":{"evaluation_id":"e","access_request":{"endpoint":"https://as.example.net/r","expires_at":"2026-06-01T12:00:00Z"}}}""", "/context/access_request/binding_token" },
        { "batch decision without its decision", ArtifactKind.EvaluationsResponse, """{"evaluations":[{"decision":true},{"context":{}}]}""", "/evaluations/1/decision" },
        { "denied decision evidence without denial_reason", ArtifactKind.DecisionEvidence,
            DecisionRecord.Replace("\"denial_reason\":\"out_of_authority\",", "", StringComparison.Ordinal), "/denial_reason" },
        { "expandable deny without expansion", ArtifactKind.DecisionEvidence,
            DecisionRecord.Replace(",\"expansion\":{\"eligible\":true,\"access_request_uri\":\"https://pdp.example/access/v1/requests\"}", "", StringComparison.Ordinal), "/expansion" },
        { "decision evidence decision true", ArtifactKind.DecisionEvidence, DecisionRecord.Replace("\"expandable_deny\"", "true", StringComparison.Ordinal), "/decision" },
        { "decision evidence unknown member", ArtifactKind.DecisionEvidence, DecisionRecord.Replace("\"audience\"", "\"x_note\":1,\"audience\"", StringComparison.Ordinal), "/x_note" },
        { "decision evidence export without its list", ArtifactKind.DecisionEvidenceExport, """{"mission_id":"msn_1","records":[]}""", "/decision_evidence" },
        { "mcp initialize result without serverInfo", ArtifactKind.McpInitializeResult, """{"protocolVersion":"2025-06-18","capabilities":{}}""", "/serverInfo" },
        { "mcp tool without inputSchema", ArtifactKind.McpListToolsResult, """{"tools":[{"name":"create_doc"}]}""", "/tools/0/inputSchema" },
        { "mcp tools/call result without content", ArtifactKind.McpCallToolResult, """{"isError":false}""", "" },
        { "mcp task status out of enum", ArtifactKind.McpTask, """{"taskId":"t1","status":"pending"}""", "/status" },
        { "types metadata entry without a schema", ArtifactKind.AuthorizationDetailsTypesMetadata, """{"mission_resource_access":{"version":"1"}}""", "/mission_resource_access/schema" },
        { "status ietf-2026-08 without fresh_until", ArtifactKind.MissionStatusIetf, $$$"""{"iss":"https://as.example","aud":"c","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","issuer":"https://as.example","authority_hash":"{{{Anchor}}}","state":"active","version":1,"expires_at":"2026-12-31T23:59:59Z"}}""", "/mission/fresh_until" },
        { "status ietf-2026-08 version not an integer", ArtifactKind.MissionStatusIetf, $$$"""{"iss":"https://as.example","aud":"c","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","issuer":"https://as.example","authority_hash":"{{{Anchor}}}","state":"active","version":"4","expires_at":"2026-12-31T23:59:59Z","fresh_until":"2026-11-02T08:00:45Z"}}""", "/mission/version" },
        { "status without projection", ArtifactKind.MissionStatus, $$"""{"iss":"https://as.example/","aud":"c","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","origin":"https://as.example/"},"state":"active","integrity_anchors":{"proposal_hash":"{{Anchor}}","authority_hash":"{{Anchor}}"},"issued_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T00:01:00Z","freshness_at":"2026-01-01T00:00:00Z","mission_expiry":"2026-02-01T00:00:00Z","audience":"c"}""", "/authority_projection" },
        { "status unknown operation", ArtifactKind.MissionStatus, $$$"""{"iss":"https://as.example/","aud":"c","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","origin":"https://as.example/"},"state":"active","integrity_anchors":{"proposal_hash":"{{{Anchor}}}","authority_hash":"{{{Anchor}}}"},"authority_projection":[],"issued_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T00:01:00Z","freshness_at":"2026-01-01T00:00:00Z","mission_expiry":"2026-02-01T00:00:00Z","audience":"c","lifecycle_event":{"operation":"pause"}}""", "/lifecycle_event/operation" },
        { "conflict without observed_state", ArtifactKind.ConcurrentModification, """{"error":"mission_concurrent_modification","current_state":"revoked"}""", "/observed_state" },
        { "mission-authority without normalization profiles", ArtifactKind.MissionAuthority, MissionAuthority.Replace(",\"mission_normalization_profiles_supported\":[\"urn:mbo:norm:mission-intent:1\"]", "", StringComparison.Ordinal), "/mission_normalization_profiles_supported" },
        { "mission-authority pairwise without sector", ArtifactKind.MissionAuthority, MissionAuthority.Replace("\"mission_pairwise_supported\":false", "\"mission_pairwise_supported\":true", StringComparison.Ordinal), "/mission_pairwise_supported" },
        { "mission-authority mtls alias not a URL", ArtifactKind.MissionAuthority, MissionAuthority.Replace("\"mission_pairwise_supported\":false", "\"mtls_endpoint_aliases\":{\"mission_status_endpoint\":\"not a url\"},\"mission_pairwise_supported\":false", StringComparison.Ordinal), "/mtls_endpoint_aliases/mission_status_endpoint" },
        { "mission-authority tier out of enum", ArtifactKind.MissionAuthority, MissionAuthority.Replace("\"AD-3\"", "\"AD-4\"", StringComparison.Ordinal), "/mission_capability_advertisement/mission_authorization_domain_tiers_supported/1" },
        { "status mission with id and ref", ArtifactKind.MissionStatus, $$"""{"iss":"https://as.example/","aud":"c","sub":"c","nonce":"n","iat":1,"exp":2,"mission":{"id":"m","ref":"r","origin":"https://as.example/"},"state":"active","integrity_anchors":{"proposal_hash":"{{Anchor}}","authority_hash":"{{Anchor}}"},"authority_projection":[],"issued_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T00:01:00Z","freshness_at":"2026-01-01T00:00:00Z","mission_expiry":"2026-02-01T00:00:00Z","audience":"c"}""", "/mission" },
        { "introspection active for a revoked Mission", ArtifactKind.IntrospectionResponse, $$$"""{"active":true,"mission":{"id":"msn_1","origin":"https://as.example/","authority_hash":"{{{Anchor}}}","state":"revoked"}}""", "/active" },
        { "introspection mission without authority_hash", ArtifactKind.IntrospectionResponse, """{"active":true,"mission":{"id":"msn_1","origin":"https://as.example/","state":"active"}}""", "/mission/authority_hash" },
        { "status error without nonce", ArtifactKind.StatusError, """{"error":"not_found","error_description":"d"}""", "/nonce" },
        { "status error code", ArtifactKind.StatusError, """{"error":"forbidden","error_description":"d","nonce":"n"}""", "/error" },
        { "lifecycle SET without events", ArtifactKind.LifecycleEventSet, """{"iss":"https://as.example/","aud":"a","iat":1,"jti":"j","events":{}}""", "/events" },
        { "lifecycle SET event without state", ArtifactKind.LifecycleEventSet, LifecycleSet.Replace(",\"state\":\"revoked\"", "", StringComparison.Ordinal),
            "/events/https:~1~1schemas.karlmcguinness.com~1mission~1lifecycle-change/state" },
        { "lifecycle SET mission with id and ref", ArtifactKind.LifecycleEventSet, LifecycleSet.Replace("\"id\":\"msn_1\"", "\"id\":\"msn_1\",\"ref\":\"r\"", StringComparison.Ordinal),
            "/events/https:~1~1schemas.karlmcguinness.com~1mission~1lifecycle-change/mission" },
        { "lifecycle SET without jti", ArtifactKind.LifecycleEventSet, LifecycleSet.Replace("\"jti\":\"set-91ab\",", "", StringComparison.Ordinal), "/jti" },
        { "baseline entry accepting a warning", ArtifactKind.Baseline,
            """{"schema_version":"mission-conformance-baseline/1","entries":[{"requirement":"MBO-AS-TOK-011","verdict":"WARNING","reason":"r"}]}""", "/entries/0/verdict" },
        { "baseline entry without its reason", ArtifactKind.Baseline,
            """{"schema_version":"mission-conformance-baseline/1","entries":[{"requirement":"MBO-AS-TOK-007","verdict":"FAILED"}]}""", "/entries/0/reason" },
    };

    [Fact]
    public void TheLifecycleSet_TheSimulatedAsPushes_HasTheProvisionalShape()
    {
        using var origin = Peers.SimulatedAuthorizationServer.Start(0, new Peers.PeerLog());
        var mission = origin.CreateMission("u", "c", [], TimeSpan.FromHours(1));

        foreach (var state in new[] { "revoked", "suspended", "paused_by_operator" })
        {
            var payload = origin.LifecycleEvent(mission, "active", state, "https://rs.example/mcp").ToJsonString();
            Assert.True(ArtifactSchemas.Validate(ArtifactKind.LifecycleEventSet, payload).Count == 0, string.Join("; ", ArtifactSchemas.Validate(ArtifactKind.LifecycleEventSet, payload)));
        }
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Schema_ValidSample_Passes(string sample, ArtifactKind kind, string json)
        => Assert.True(ArtifactSchemas.Validate(kind, json).Count == 0, $"{sample}: {string.Join("; ", ArtifactSchemas.Validate(kind, json))}");

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Schema_InvalidSample_IsCaughtAtItsPointer(string sample, ArtifactKind kind, string json, string pointer)
    {
        var errors = ArtifactSchemas.Validate(kind, json);

        Assert.True(errors.Any(e => e.Pointer == pointer), $"{sample}: expected an error at \"{pointer}\", got: {string.Join("; ", errors)}");
    }

    [Fact]
    public void Schema_ValidSampleExistsForEveryArtifactKind()
    {
        var covered = Valid.Select(row => row.Data.Item2).Append(ArtifactKind.TargetFile).Append(ArtifactKind.Report).Append(ArtifactKind.Bench).ToHashSet();

        Assert.Equal(Enum.GetValues<ArtifactKind>().ToHashSet(), covered);
    }

    [Fact]
    public void Schema_ErrorMessage_NamesTheValueAndTheAlternatives()
    {
        var error = Assert.Single(ArtifactSchemas.Validate(ArtifactKind.OAuthError, """{"error":"invalid_grant","mission_state":"inactive"}"""));

        Assert.Contains("\"inactive\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("suspended", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Keywords that only apply subschemas: a violation inside them is caught, and named, by the subschema's own keyword.</summary>
    private static readonly string[] Applicators = ["properties", "patternProperties", "items", "$ref"];

    /// <summary>
    /// Every assertion keyword the schemas use is caught by at least one negative sample, so no keyword of ours can go unevaluated
    /// unnoticed (NJsonSchema, until issue 20, skipped dependencies and if/then without a word). A schema that starts using a new
    /// keyword needs a negative sample for it. Every schema also states its draft in $schema.
    /// </summary>
    [Fact]
    public void EveryKeywordTheSchemasUse_IsCaughtByANegativeSample_AndEverySchemaStatesItsDraft()
    {
        var folder = Path.Combine(Path.GetDirectoryName(TargetLoaderTests.Fixtures)!, "schemas");
        var files = Directory.GetFiles(folder, "*.schema.json");
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var schema = JsonNode.Parse(File.ReadAllText(file))!;
            Assert.True((string?)schema["$schema"] == "http://json-schema.org/draft-07/schema#", $"{Path.GetFileName(file)} does not state draft-07 in $schema");
            Keywords(schema, used);
        }
        var caught = Invalid.SelectMany(row => ArtifactSchemas.Validate(row.Data.Item2, row.Data.Item3))
            .SelectMany(e => (e.Keyword ?? "").Split('/')).ToHashSet(StringComparer.Ordinal);

        var unproven = used.Except(Applicators).Except(caught).Order(StringComparer.Ordinal).ToList();
        Assert.True(unproven.Count == 0, $"no negative sample is caught by: {string.Join(", ", unproven)} (caught: {string.Join(", ", caught.Order(StringComparer.Ordinal))})");
    }

    private static readonly HashSet<string> KeywordNames = new(StringComparer.Ordinal)
    {
        "type", "required", "properties", "additionalProperties", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "items", "minItems", "maxItems", "uniqueItems", "anyOf", "oneOf", "allOf", "not", "format",
        "dependencies", "if", "then", "else", "propertyNames", "patternProperties", "contains", "$ref", "minProperties", "maxProperties", "multipleOf",
    };

    /// <summary>The schema keywords of <paramref name="node"/>, not counting member names under properties, patternProperties or dependencies.</summary>
    private static void Keywords(JsonNode? node, HashSet<string> into, bool names = false)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                if (!names && KeywordNames.Contains(key)) into.Add(key);
                Keywords(value, into, names: !names && key is "properties" or "patternProperties" or "dependencies");
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a) Keywords(item, into);
        }
    }
}
