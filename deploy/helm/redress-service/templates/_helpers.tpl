{{/* Names, labels and the pod spec shared by the API and the worker. */}}

{{- define "redress.service" -}}
{{- $name := .Values.service.name -}}
{{- if not (has $name (list "intake" "casework" "advocacy" "education" "notify")) -}}
{{- fail (printf "service.name must be intake, casework, advocacy, education or notify (got %q): install with deploy/helm/values/<service>.yaml" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{- define "redress.fullname" -}}
{{- default (include "redress.service" .) .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "redress.prefix" -}}
{{- include "redress.service" . | upper -}}_
{{- end -}}

{{- define "redress.image" -}}
{{- $image := .Values.image -}}
{{- if not $image.repository -}}{{- fail "image.repository is required (the image built from services/<name>/Dockerfile)" -}}{{- end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else if $image.tag -}}
{{- printf "%s:%s" $image.repository (toString $image.tag) -}}
{{- else -}}
{{- fail "image.tag or image.digest is required: images are pinned, never latest" -}}
{{- end -}}
{{- end -}}

{{- define "redress.selectorLabels" -}}
app.kubernetes.io/name: {{ include "redress.service" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "redress.labels" -}}
{{ include "redress.selectorLabels" . }}
app.kubernetes.io/part-of: redress
app.kubernetes.io/version: {{ .root.Values.image.tag | default .root.Chart.AppVersion | toString | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* A setting's value as the service reads it: lists and maps as JSON, whole numbers without exponent. */}}
{{- define "redress.envValue" -}}
{{- if or (kindIs "map" .) (kindIs "slice" .) -}}
{{- toJson . -}}
{{- else if and (kindIs "float64" .) (eq . (floor .)) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/*
Every file the containers read from a Secret or ConfigMap: one volume each, the settings that name
its files, read-only mounts under /var/run/secrets/redress/<volume>/. Returned as YAML {mounts: [...]}.
*/}}
{{- define "redress.fileMounts" -}}
{{- $v := .Values -}}
{{- $root := "/var/run/secrets/redress" -}}
{{- $mounts := list -}}
{{- range $setting, $ref := $v.secretFiles -}}
{{- if and $ref $ref.name -}}
{{- $volume := printf "sf-%s" ($setting | lower | replace "_" "-") -}}
{{- $keys := $ref.keys | default (list $ref.key) | compact -}}
{{- if $keys -}}
{{- $items := list -}}
{{- $paths := list -}}
{{- range $keys -}}
{{- $items = append $items (dict "key" . "path" .) -}}
{{- $paths = append $paths (printf "%s/%s/%s" $root $volume .) -}}
{{- end -}}
{{- $format := $ref.format | default "source" -}}
{{- $value := "" -}}
{{- if eq $format "path" -}}
{{- $value = first $paths -}}
{{- else if eq $format "source" -}}
{{- $value = printf "file:%s" (first $paths) -}}
{{- else if eq $format "sources" -}}
{{- $sources := list -}}
{{- range $paths -}}{{- $sources = append $sources (printf "file:%s" .) -}}{{- end -}}
{{- $value = toJson $sources -}}
{{- else -}}
{{- fail (printf "secretFiles.%s.format must be source, sources or path" $setting) -}}
{{- end -}}
{{- $mounts = append $mounts (dict "volume" $volume "secret" $ref.name "items" $items "env" (list (dict "name" $setting "value" $value))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $kafka := $v.kafka -}}
{{- if hasPrefix "SASL_" $kafka.securityProtocol -}}
{{- if not $kafka.sasl.passwordSecret.name -}}{{- fail (printf "kafka.sasl.passwordSecret.name is required with %s" $kafka.securityProtocol) -}}{{- end -}}
{{- $mounts = append $mounts (dict "volume" "kafka-sasl" "secret" $kafka.sasl.passwordSecret.name "items" (list (dict "key" $kafka.sasl.passwordSecret.key "path" "password")) "env" (list (dict "name" "KAFKA_SASL_PASSWORD_FILE" "value" (printf "%s/kafka-sasl/password" $root)))) -}}
{{- end -}}
{{- if $kafka.tls.secretName -}}
{{- if ne $kafka.securityProtocol "SASL_SSL" -}}{{- fail "kafka.tls is used with kafka.securityProtocol SASL_SSL only (the services refuse TLS files with another protocol)" -}}{{- end -}}
{{- $items := list (dict "key" $kafka.tls.caKey "path" "ca.crt") -}}
{{- $env := list (dict "name" "KAFKA_SSL_CA_FILE" "value" (printf "%s/kafka-tls/ca.crt" $root)) -}}
{{- if or $kafka.tls.certKey $kafka.tls.keyKey -}}
{{- if not (and $kafka.tls.certKey $kafka.tls.keyKey) -}}{{- fail "kafka.tls.certKey and kafka.tls.keyKey go together (a client certificate and its key)" -}}{{- end -}}
{{- $items = concat $items (list (dict "key" $kafka.tls.certKey "path" "tls.crt") (dict "key" $kafka.tls.keyKey "path" "tls.key")) -}}
{{- $env = concat $env (list (dict "name" "KAFKA_SSL_CERT_FILE" "value" (printf "%s/kafka-tls/tls.crt" $root)) (dict "name" "KAFKA_SSL_KEY_FILE" "value" (printf "%s/kafka-tls/tls.key" $root))) -}}
{{- end -}}
{{- $mounts = append $mounts (dict "volume" "kafka-tls" "secret" $kafka.tls.secretName "items" $items "env" $env) -}}
{{- end -}}
{{- $mongo := $v.mongo -}}
{{- if $mongo.tls.secretName -}}
{{- $items := list (dict "key" $mongo.tls.caKey "path" "ca.crt") -}}
{{- $env := list (dict "name" "MONGO_TLS_CA_FILE" "value" (printf "%s/mongo-tls/ca.crt" $root)) -}}
{{- if $mongo.tls.certKeyKey -}}
{{- $items = append $items (dict "key" $mongo.tls.certKeyKey "path" "tls.pem") -}}
{{- $env = append $env (dict "name" "MONGO_TLS_CERT_KEY_FILE" "value" (printf "%s/mongo-tls/tls.pem" $root)) -}}
{{- end -}}
{{- $mounts = append $mounts (dict "volume" "mongo-tls" "secret" $mongo.tls.secretName "items" $items "env" $env) -}}
{{- end -}}
{{- with $v.auth.jwksConfigMap -}}
{{- if .name -}}
{{- $mounts = append $mounts (dict "volume" "jwks" "configMap" .name "items" (list (dict "key" .key "path" "jwks.json")) "env" (list (dict "name" "AUTH_JWKS_FILE" "value" (printf "%s/jwks/jwks.json" $root)))) -}}
{{- end -}}
{{- end -}}
{{- with $v.auth.devSigningKeySecret -}}
{{- if .name -}}
{{- $mounts = append $mounts (dict "volume" "dev-signing-key" "secret" .name "items" (list (dict "key" .key "path" "dev-signing-key.pem")) "env" (list (dict "name" "DEV_SIGNING_KEY_FILE" "value" (printf "%s/dev-signing-key/dev-signing-key.pem" $root)))) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "mounts" $mounts) -}}
{{- end -}}

{{/* Settings from a Secret as env vars: SETTING -> {name, key}. Returned as YAML {refs: [...]}. */}}
{{- define "redress.secretEnv" -}}
{{- $v := .Values -}}
{{- $refs := list -}}
{{- range $setting, $ref := $v.secretEnv -}}
{{- if and $ref $ref.name -}}
{{- $refs = append $refs (dict "name" $setting "secret" $ref.name "key" $ref.key) -}}
{{- end -}}
{{- end -}}
{{- with $v.mongo.urlSecret -}}
{{- if .name -}}{{- $refs = append $refs (dict "name" "MONGO_URL" "secret" .name "key" .key) -}}{{- end -}}
{{- end -}}
{{- with $v.auth.serviceClient.secret -}}
{{- if .name -}}{{- $refs = append $refs (dict "name" "OAUTH_CLIENT_SECRET" "secret" .name "key" .key) -}}{{- end -}}
{{- end -}}
{{- toYaml (dict "refs" $refs) -}}
{{- end -}}

{{/* Plain settings: the structured values first, then the `env` map. Returned as YAML {settings: {...}}. */}}
{{- define "redress.settings" -}}
{{- $v := .Values -}}
{{- $s := dict "HTTP_HOST" "0.0.0.0" "HTTP_PORT" $v.api.port -}}
{{- $_ := set $s "KAFKA_BOOTSTRAP" $v.kafka.bootstrap -}}
{{- $_ = set $s "KAFKA_SECURITY_PROTOCOL" $v.kafka.securityProtocol -}}
{{- if hasPrefix "SASL_" $v.kafka.securityProtocol -}}
{{- $_ = set $s "KAFKA_SASL_MECHANISM" $v.kafka.sasl.mechanism -}}
{{- $_ = set $s "KAFKA_SASL_USERNAME" ($v.kafka.sasl.username | default (include "redress.service" .)) -}}
{{- end -}}
{{- if not $v.mongo.urlSecret.name -}}
{{- if regexMatch "^mongodb(\\+srv)?://[^/@]*:[^/@]*@" $v.mongo.url -}}{{- fail "mongo.url carries a password: put the URL in a Secret (mongo.urlSecret)" -}}{{- end -}}
{{- $_ = set $s "MONGO_URL" $v.mongo.url -}}
{{- end -}}
{{- $_ = set $s "MONGO_DB" $v.mongo.database -}}
{{- if and (not $v.auth.issuer) (not $v.auth.oidcIssuer) -}}{{- fail "auth.oidcIssuer (or auth.issuer with its keys) is required: the coalition's OpenID Connect issuer" -}}{{- end -}}
{{- if and $v.auth.issuer (eq (empty $v.auth.jwksUrl) (empty $v.auth.jwksConfigMap.name)) -}}
{{- fail "give exactly one of auth.jwksUrl and auth.jwksConfigMap.name: the services verify tokens with the issuer's keys" -}}
{{- end -}}
{{- if has "*" $v.cors.allowedOrigins -}}{{- fail "cors.allowedOrigins: list the web app's origins, never a wildcard" -}}{{- end -}}
{{- $_ = set $s "OIDC_ISSUER" $v.auth.oidcIssuer -}}
{{- $_ = set $s "OIDC_JWKS_URL" $v.auth.oidcJwksUrl -}}
{{- if $v.cors.allowedOrigins -}}{{- $_ = set $s "CORS_ALLOWED_ORIGINS" $v.cors.allowedOrigins -}}{{- end -}}
{{- $_ = set $s "AUTH_ISSUER" $v.auth.issuer -}}
{{- $_ = set $s "AUTH_AUDIENCE" $v.auth.audience -}}
{{- $_ = set $s "AUTH_JWKS_URL" $v.auth.jwksUrl -}}
{{- $_ = set $s "OAUTH_TOKEN_URL" $v.auth.serviceClient.tokenUrl -}}
{{- if $v.auth.serviceClient.tokenUrl -}}
{{- $_ = set $s "OAUTH_CLIENT_ID" ($v.auth.serviceClient.clientId | default (printf "svc-%s" (include "redress.service" .))) -}}
{{- end -}}
{{- $_ = set $s "INTAKE_URL" $v.intakeUrl -}}
{{- range $name, $value := $v.env -}}
{{- if hasKey $s $name -}}{{- fail (printf "env.%s is set by the chart's structured values; use those instead" $name) -}}{{- end -}}
{{- $_ = set $s $name $value -}}
{{- end -}}
{{- toYaml (dict "settings" $s) -}}
{{- end -}}

{{/* The container env of a component: settings with the service prefix, secrets by reference, OTEL_*. */}}
{{- define "redress.env" -}}
{{- $root := .root -}}
{{- $prefix := include "redress.prefix" $root -}}
- name: HOME
  value: /tmp
- name: TMPDIR
  value: /tmp
{{- range $name, $value := (include "redress.settings" $root | fromYaml).settings }}
{{- if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
- name: {{ printf "%s%s" $prefix $name }}
  value: {{ include "redress.envValue" $value | quote }}
{{- end }}
{{- end }}
{{- range (include "redress.fileMounts" $root | fromYaml).mounts }}
{{- range .env }}
- name: {{ printf "%s%s" $prefix .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end }}
{{- range (include "redress.secretEnv" $root | fromYaml).refs }}
- name: {{ printf "%s%s" $prefix .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end }}
{{- if and $root.Values.metrics.enabled (eq .component "worker") }}
- name: {{ $prefix }}METRICS_PORT
  value: {{ $root.Values.metrics.workerPort | toString | quote }}
{{- end }}
{{- with $root.Values.otel }}
{{- if .endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .endpoint | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .tracesSampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .tracesSamplerArg | toString | quote }}
{{- if .headersSecret.name }}
- name: OTEL_EXPORTER_OTLP_HEADERS
  valueFrom:
    secretKeyRef:
      name: {{ .headersSecret.name }}
      key: {{ .headersSecret.key }}
{{- end }}
{{- end }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "redress.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- range (include "redress.fileMounts" .root | fromYaml).mounts }}
- name: {{ .volume }}
  mountPath: /var/run/secrets/redress/{{ .volume }}
  readOnly: true
{{- end }}
{{- if eq .component "worker" }}
- name: probe
  mountPath: /etc/redress/probe
  readOnly: true
{{- end }}
{{- end -}}

{{- define "redress.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ (index .root.Values .component).tmpSizeLimit }}
{{- range (include "redress.fileMounts" .root | fromYaml).mounts }}
- name: {{ .volume }}
  {{- if .configMap }}
  configMap:
    name: {{ .configMap }}
  {{- else }}
  secret:
    secretName: {{ .secret }}
  {{- end }}
    defaultMode: 0440
    items:
      {{- toYaml .items | nindent 6 }}
{{- end }}
{{- if eq .component "worker" }}
- name: probe
  configMap:
    name: {{ include "redress.fullname" .root }}-probe
    defaultMode: 0444
{{- end }}
{{- end -}}

{{/* The pod spec of a component ("api" or "worker"); its container comes from the caller. */}}
{{- define "redress.podSpec" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
serviceAccountName: {{ $root.Values.serviceAccount.name | default (include "redress.fullname" $root) }}
automountServiceAccountToken: false
{{- /* Service links would inject variables like INTAKE_API_PORT=tcp://... that share the settings' prefix. */}}
enableServiceLinks: false
terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .component }}
    image: {{ include "redress.image" $root | quote }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    command: ["python", "-m", "{{ include "redress.service" $root }}.entrypoints.{{ .component }}"]
    env:
      {{- include "redress.env" . | nindent 6 }}
    {{- .container | trim | nindent 4 }}
    resources:
      {{- toYaml $values.resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.containerSecurityContext | nindent 6 }}
    volumeMounts:
      {{- include "redress.volumeMounts" . | nindent 6 }}
  {{- with $root.Values.extraContainers }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
volumes:
  {{- include "redress.volumes" . | nindent 2 }}
{{- with $root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "redress.podAnnotations" -}}
{{- $root := .root -}}
{{- $annotations := deepCopy ($root.Values.podAnnotations | default dict) -}}
{{- if eq .component "worker" -}}
{{- $_ := set $annotations "checksum/probe" ($root.Files.Get "files/worker_ready.py" | sha256sum | trunc 16) -}}
{{- end -}}
{{- if $root.Values.metrics.enabled -}}
{{- $port := ternary $root.Values.api.port $root.Values.metrics.workerPort (eq .component "api") -}}
{{- $_ := set $annotations "prometheus.io/scrape" "true" -}}
{{- $_ = set $annotations "prometheus.io/port" (toString $port) -}}
{{- $_ = set $annotations "prometheus.io/path" $root.Values.metrics.path -}}
{{- end -}}
{{- with $annotations -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}
