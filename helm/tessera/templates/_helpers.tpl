{{/* The prefix of every object's name: the release name, or <release>-tessera when it does not say tessera. */}}
{{- define "tessera.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "tessera.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "tessera.versionLabels" . }}
{{- end -}}

{{/* The labels that change with the chart's version: never in a selector. */}}
{{- define "tessera.versionLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tessera
{{- end -}}

{{/* Selector labels of one component's pods: dict "root" $ "component" "gateway" [ "pool" name ]. */}}
{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .pool }}
tessera.dev/pool: {{ . }}
{{- end }}
{{- end -}}

{{/* <registry>/<repository>:<tag>: dict "root" $ "image" (component's image block) "suffix" "-cuda" or "". */}}
{{- define "tessera.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if $registry -}}{{ printf "%s/" (trimSuffix "/" $registry) }}{{- end -}}
{{- printf "%s:%s%s" .image.repository $tag (.suffix | default "") -}}
{{- end -}}

{{/* JDBC_URL, JDBC_USER, JDBC_PASSWORD: the gateway's and the scheduler's database. */}}
{{- define "tessera.env.postgresql" -}}
- name: JDBC_URL
  value: {{ .Values.postgresql.jdbcUrl | quote }}
- name: JDBC_USER
  valueFrom:
    secretKeyRef: {name: {{ .Values.postgresql.existingSecret | quote }}, key: {{ .Values.postgresql.usernameKey | quote }}}
- name: JDBC_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.postgresql.existingSecret | quote }}, key: {{ .Values.postgresql.passwordKey | quote }}}
{{- end -}}

{{/* KAFKA_BOOTSTRAP, from the Secret when one is named. */}}
{{- define "tessera.env.kafka" -}}
{{- if .Values.kafka.existingSecret }}
- name: KAFKA_BOOTSTRAP
  valueFrom:
    secretKeyRef: {name: {{ .Values.kafka.existingSecret | quote }}, key: {{ .Values.kafka.bootstrapServersKey | quote }}}
{{- else }}
{{- if not .Values.kafka.bootstrapServers }}
{{- fail "kafka: set bootstrapServers, or existingSecret naming a Secret that holds them" }}
{{- end }}
- name: KAFKA_BOOTSTRAP
  value: {{ .Values.kafka.bootstrapServers | quote }}
{{- end }}
{{- end -}}

{{/* S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY: result storage. */}}
{{- define "tessera.env.s3" -}}
- name: S3_ENDPOINT
  value: {{ .Values.s3.endpoint | quote }}
- name: S3_BUCKET
  value: {{ .Values.s3.bucket | quote }}
- name: S3_ACCESS_KEY
  valueFrom:
    secretKeyRef: {name: {{ .Values.s3.existingSecret | quote }}, key: {{ .Values.s3.accessKeyKey | quote }}}
- name: S3_SECRET_KEY
  valueFrom:
    secretKeyRef: {name: {{ .Values.s3.existingSecret | quote }}, key: {{ .Values.s3.secretKeyKey | quote }}}
{{- end -}}

{{/* startup, readiness and liveness probes on Quarkus' /q/health/*: the component's values block. */}}
{{- define "tessera.probes" -}}
startupProbe:
  httpGet: {path: /q/health/started, port: http}
  {{- toYaml .startupProbe | nindent 2 }}
readinessProbe:
  httpGet: {path: /q/health/ready, port: http}
  {{- toYaml .readinessProbe | nindent 2 }}
livenessProbe:
  httpGet: {path: /q/health/live, port: http}
  {{- toYaml .livenessProbe | nindent 2 }}
{{- end -}}

{{/* nodeSelector, tolerations, affinity of a component (or pool) block. */}}
{{- define "tessera.placement" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The name of a pool's objects (Deployment, Service, PDB, ScaledObject). */}}
{{- define "tessera.poolName" -}}
{{- printf "%s-worker-%s" (include "tessera.fullname" .root) .pool.name -}}
{{- end -}}

{{/* A pool's keda block over kedaDefaults. */}}
{{- define "tessera.poolKeda" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.kedaDefaults) (.pool.keda | default dict)) -}}
{{- end -}}

{{/* The models the gateway accepts: gateway.models (which must name every pool's model), or every pool's model. */}}
{{- define "tessera.models" -}}
{{- $models := .Values.gateway.models -}}
{{- if $models -}}
{{- range .Values.workers.pools }}
{{- if not (has .model $models) }}
{{- fail (printf "gateway.models does not list %q, the model of workers.pools %q: the gateway would refuse its jobs" .model .name) }}
{{- end }}
{{- end }}
{{- else -}}
{{- range .Values.workers.pools }}{{ $models = append $models .model }}{{ end -}}
{{- end -}}
{{- $models | uniq | join "," -}}
{{- end -}}

{{/* Jobs a pool's worker takes at once and denoises in one UNet batch (TESSERA_BATCH_JOBS): the pool's batchJobs,
else workers.gpuBatchJobs for a GPU pool and 1 (off) on the CPU. Args: dict "workers" .Values.workers "pool" $pool. */}}
{{- define "tessera.batchJobs" -}}
{{- if hasKey .pool "batchJobs" -}}
{{- int .pool.batchJobs -}}
{{- else if gt (int (.pool.gpu | default 0)) 0 -}}
{{- int (.workers.gpuBatchJobs | default 1) -}}
{{- else -}}
1
{{- end -}}
{{- end -}}
