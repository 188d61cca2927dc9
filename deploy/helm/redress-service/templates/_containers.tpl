{{/* What differs between the API and the worker containers: ports and probes. */}}

{{- define "redress.apiContainer" -}}
ports:
  - name: http
    containerPort: {{ .Values.api.port }}
    protocol: TCP
startupProbe:
  httpGet: {path: /healthz, port: http}
  {{- toYaml .Values.api.startupProbe | nindent 2 }}
livenessProbe:
  httpGet: {path: /healthz, port: http}
  {{- toYaml .Values.api.livenessProbe | nindent 2 }}
readinessProbe:
  httpGet: {path: /readyz, port: http}
  {{- toYaml .Values.api.readinessProbe | nindent 2 }}
{{- end }}

{{- define "redress.workerContainer" -}}
{{- if .Values.metrics.enabled }}
ports:
  - name: metrics
    containerPort: {{ .Values.metrics.workerPort }}
    protocol: TCP
livenessProbe:
  httpGet: {path: {{ .Values.metrics.path }}, port: metrics}
  {{- toYaml .Values.worker.livenessProbe | nindent 2 }}
{{- end }}
readinessProbe:
  exec:
    command: ["python", "/etc/redress/probe/worker_ready.py", "{{ include "redress.service" . }}"]
  {{- toYaml .Values.worker.readinessProbe | nindent 2 }}
{{- end }}
