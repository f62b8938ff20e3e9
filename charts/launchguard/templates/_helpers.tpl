{{/*
Helpers of the launchguard chart. Numbers from values are passed through `int`: Helm reads
values files as JSON numbers (float64), and comparing a float with an int fails.
*/}}

{{/* The chart name, overridable. */}}
{{- define "launchguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The full name of every resource; also the Service's name, so the webhook's DNS name. */}}
{{- define "launchguard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "launchguard.chart" -}}
{{- printf "%s-%s" .Chart.Name (toString .Chart.Version) | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the pods: never change them after a release, selectors are immutable. */}}
{{- define "launchguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "launchguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "launchguard.labels" -}}
helm.sh/chart: {{ include "launchguard.chart" . }}
{{ include "launchguard.selectorLabels" . }}
app.kubernetes.io/version: {{ toString (default .Chart.AppVersion .Values.image.tag) | quote }}
app.kubernetes.io/component: webhook
app.kubernetes.io/part-of: launchguard
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
The evaluation Redis (redis.evaluation.enabled): the name of its Deployment and Service,
a DNS label of at most 63 characters.
*/}}
{{- define "launchguard.redisName" -}}
{{- printf "%s-redis" (include "launchguard.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/*
Labels that select the evaluation Redis's pod. Its name label is not launchguard's, so
launchguard's Service, Deployment, PodDisruptionBudget and NetworkPolicy never select it.
*/}}
{{- define "launchguard.redisSelectorLabels" -}}
app.kubernetes.io/name: redis
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "launchguard.redisLabels" -}}
helm.sh/chart: {{ include "launchguard.chart" . }}
{{ include "launchguard.redisSelectorLabels" . }}
app.kubernetes.io/version: {{ toString .Values.redis.evaluation.image.tag | quote }}
app.kubernetes.io/component: state-store
app.kubernetes.io/part-of: launchguard
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The Redis launchguard uses: redis.url, else the evaluation Redis's Service, else none (""). */}}
{{- define "launchguard.redisURL" -}}
{{- if .Values.redis.url -}}
{{- .Values.redis.url -}}
{{- else if .Values.redis.evaluation.enabled -}}
{{- printf "redis://%s:6379" (include "launchguard.redisName" .) -}}
{{- end -}}
{{- end -}}

{{- define "launchguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "launchguard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The user name the API server gives the pods' service account (the matchConditions exclude it). */}}
{{- define "launchguard.serviceAccountUser" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "launchguard.serviceAccountName" .) -}}
{{- end -}}

{{- define "launchguard.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (toString (default .Chart.AppVersion .Values.image.tag)) -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the serving certificate: the chart's (helm, cert-manager) or the user's. */}}
{{- define "launchguard.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "secret" -}}
{{- .Values.certificates.secret.name -}}
{{- else -}}
{{- printf "%s-tls" (include "launchguard.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "launchguard.tokensSecretName" -}}
{{- printf "%s-tokens" (include "launchguard.fullname" .) -}}
{{- end -}}

{{- define "launchguard.serviceDNSNames" -}}
{{- $svc := include "launchguard.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- toJson (dict "items" (list (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) $svc (printf "%s.%s" $svc $ns))) -}}
{{- end -}}

{{/*
The namespaces the webhook's namespaceSelector excludes by name: the release namespace (the
webhook must never wait on itself) and webhook.excludedNamespaces. The policy's
provenance.uncoveredNamespaces is rendered from this same list. Returned as {"items": [...]}.
*/}}
{{- define "launchguard.uncoveredNamespaces" -}}
{{- $excluded := .Values.webhook.excludedNamespaces | default list -}}
{{- toJson (dict "items" (prepend $excluded .Release.Namespace | uniq)) -}}
{{- end -}}

{{/* The policy file: values.policy plus what the chart derives. */}}
{{- define "launchguard.policy" -}}
{{- $policy := deepCopy (.Values.policy | default dict) -}}
{{- $provenance := get $policy "provenance" | default dict -}}
{{- if hasKey $provenance "uncoveredNamespaces" -}}
{{- fail "policy.provenance.uncoveredNamespaces is rendered by the chart from webhook.excludedNamespaces and the release namespace, so that it always matches the webhook's namespaceSelector: set webhook.excludedNamespaces instead" -}}
{{- end -}}
{{- $_ := set $provenance "uncoveredNamespaces" (include "launchguard.uncoveredNamespaces" . | fromJson).items -}}
{{- $_ = set $policy "provenance" $provenance -}}
{{- $_ = set $policy "apiVersion" "launchguard/v1" -}}
{{- $_ = set $policy "kind" "Policy" -}}
{{- toYaml $policy -}}
{{- end -}}

{{/*
What the chart generates: the API and audit tokens and, with certificates.mode=helm, a CA and
a serving certificate. Generated once per render and cached in .Values, so that every template
sees the same material; on upgrade `lookup` finds the Secrets of the previous release and their
content is kept (a new CA would break the API server's trust until every pod restarted). Given
values win over both. Returned as JSON of base64 strings.
*/}}
{{- define "launchguard.generated" -}}
{{- if not (hasKey .Values "launchguardGenerated") -}}
{{- $out := dict -}}
{{- $tokens := (lookup "v1" "Secret" .Release.Namespace (include "launchguard.tokensSecretName" .)) | default dict -}}
{{- $kept := $tokens.data | default dict -}}
{{- range $key, $spec := dict "api-token" .Values.apiToken "audit-token" .Values.auditToken -}}
{{- if and $spec.enabled (not $spec.existingSecret) -}}
{{- $value := $spec.value | default (index $kept $key | default "" | b64dec) | default (randAlphaNum 40) -}}
{{- $_ := set $out $key ($value | b64enc) -}}
{{- end -}}
{{- end -}}
{{- if eq .Values.certificates.mode "helm" -}}
{{- $secret := (lookup "v1" "Secret" .Release.Namespace (include "launchguard.tlsSecretName" .)) | default dict -}}
{{- $data := $secret.data | default dict -}}
{{- if and (index $data "ca.crt") (index $data "tls.crt") (index $data "tls.key") -}}
{{- $_ := set $out "ca.crt" (index $data "ca.crt") -}}
{{- $_ := set $out "tls.crt" (index $data "tls.crt") -}}
{{- $_ := set $out "tls.key" (index $data "tls.key") -}}
{{- else -}}
{{- $days := int .Values.certificates.helm.validityDays -}}
{{- $names := (include "launchguard.serviceDNSNames" . | fromJson).items -}}
{{- $ca := genCA (printf "%s-ca" (include "launchguard.fullname" .)) $days -}}
{{- $cert := genSignedCert (first $names) nil $names $days $ca -}}
{{- $_ := set $out "ca.crt" ($ca.Cert | b64enc) -}}
{{- $_ := set $out "tls.crt" ($cert.Cert | b64enc) -}}
{{- $_ := set $out "tls.key" ($cert.Key | b64enc) -}}
{{- end -}}
{{- end -}}
{{- $_ := set .Values "launchguardGenerated" $out -}}
{{- end -}}
{{- toJson (index .Values "launchguardGenerated") -}}
{{- end -}}

{{/*
Checksum of the files the chart renders for the server, so that the pods restart when the
chart changes them. It is needed for the chart's tokens, which the server reads only at start.
The Helm-generated certificate and the client CA are in it as well: the server reloads them
live, but with a restart a change takes effect as soon as the new pod is ready instead of
after the kubelet's next volume sync. The policy is not part of it: the server reloads it from
the mounted ConfigMap.
*/}}
{{- define "launchguard.startupFilesChecksum" -}}
{{- $generated := include "launchguard.generated" . | fromJson -}}
{{- $clientCA := "" -}}
{{- if .Values.clientCA.enabled -}}{{- $clientCA = .Values.clientCA.pem -}}{{- end -}}
{{- toJson (dict "generated" $generated "clientCA" $clientCA) | sha256sum -}}
{{- end -}}

{{/* Refuses values that would render a broken or unsafe install, saying why. */}}
{{- define "launchguard.validate" -}}
{{- $replicas := int .Values.replicaCount -}}
{{- $redisURL := include "launchguard.redisURL" . -}}
{{- if and .Values.redis.url .Values.redis.evaluation.enabled -}}
{{- fail (printf "redis.url is %q and redis.evaluation.enabled is true: launchguard would use redis.url and the evaluation Redis would run unused. Set redis.url for a Redis you run, or redis.evaluation.enabled alone to try the multi-replica mode" .Values.redis.url) -}}
{{- end -}}
{{- if and (gt $replicas 1) (not $redisURL) -}}
{{- fail (printf "replicaCount is %d but redis.url is empty and redis.evaluation.enabled is false. Each replica keeps its own embedded state store (alerts, first-seen images, rate baselines, processed audit ids), so several replicas without a shared store would split rate limits, duplicate alerts and raise an alert twice for a retried audit batch. Set redis.url (and redis.passwordSecret) to a Redis you run, set redis.evaluation.enabled=true to try it with a single Redis the chart starts (not for production), or keep replicaCount: 1." $replicas) -}}
{{- end -}}
{{- if lt $replicas 1 -}}
{{- fail "replicaCount must be at least 1: without a pod every admission call fails" -}}
{{- end -}}
{{- if and .Values.redis.url (not (hasPrefix "redis://" .Values.redis.url)) -}}
{{- fail (printf "redis.url %q must look like redis://HOST:PORT[/DB] (no TLS: Debian's hiredis has none)" .Values.redis.url) -}}
{{- end -}}
{{- if and (gt $replicas 1) .Values.state.persistence.enabled -}}
{{- fail "state.persistence.enabled needs replicaCount: 1: a ReadWriteOnce claim cannot be shared by several pods, and with several replicas the shared state lives in Redis" -}}
{{- end -}}
{{- if not (has .Values.certificates.mode (list "helm" "cert-manager" "secret")) -}}
{{- fail (printf "certificates.mode %q: expected helm, cert-manager or secret" .Values.certificates.mode) -}}
{{- end -}}
{{- if and (eq .Values.certificates.mode "secret") (or (not .Values.certificates.secret.name) (not .Values.certificates.secret.caBundle)) -}}
{{- fail "certificates.mode=secret needs certificates.secret.name (a kubernetes.io/tls Secret) and certificates.secret.caBundle (base64 of the CA that signed it)" -}}
{{- end -}}
{{- if not (has .Values.webhook.failurePolicy (list "Ignore" "Fail")) -}}
{{- fail (printf "webhook.failurePolicy %q: expected Ignore or Fail" .Values.webhook.failurePolicy) -}}
{{- end -}}
{{- $timeout := int .Values.webhook.timeoutSeconds -}}
{{- if or (lt $timeout 1) (gt $timeout 30) -}}
{{- fail (printf "webhook.timeoutSeconds %d: the API server accepts 1 to 30" $timeout) -}}
{{- end -}}
{{- if and .Values.clientCA.enabled (not .Values.clientCA.pem) (not .Values.clientCA.existingConfigMap) -}}
{{- fail "clientCA.enabled needs clientCA.pem or clientCA.existingConfigMap" -}}
{{- end -}}
{{- if and .Values.redis.passwordSecret (not $redisURL) -}}
{{- fail "redis.passwordSecret is set but redis.url is empty and redis.evaluation.enabled is false" -}}
{{- end -}}
{{- $redisTimeout := toString .Values.redis.timeout -}}
{{- $redisTimeoutMs := 0 -}}
{{- if regexMatch "^[0-9]+(ms|s)$" $redisTimeout -}}
{{- $redisTimeoutMs = int (regexFind "^[0-9]+" $redisTimeout) -}}
{{- if not (hasSuffix "ms" $redisTimeout) -}}{{- $redisTimeoutMs = mul $redisTimeoutMs 1000 -}}{{- end -}}
{{- end -}}
{{- if or (lt (int $redisTimeoutMs) 1) (gt (int $redisTimeoutMs) 10000) -}}
{{- fail (printf "redis.timeout %q: launchguard accepts a duration from 1ms to 10s, such as 250ms or 1s" $redisTimeout) -}}
{{- end -}}
{{- end -}}
