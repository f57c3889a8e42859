{{/*
Helpers shared by every template. The templates keep to a small subset of Go templates and Sprig
(include, if/else, with, range, quote, default, toYaml, toJson, nindent, printf, trunc, trimSuffix,
sha256sum, not, and, contains) so tests/deploy/ can render them without helm.
*/}}

{{- define "metaic.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "metaic.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "metaic.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ include "metaic.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "metaic.selectorLabels" -}}
app.kubernetes.io/name: {{ include "metaic.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "metaic.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "metaic.secretName" -}}
{{- default (include "metaic.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{/* Settings for every MetaIC container: the ConfigMap (plain settings) and the Secret (credentials). */}}
{{- define "metaic.envFrom" -}}
- configMapRef:
    name: {{ include "metaic.fullname" . }}
- secretRef:
    name: {{ include "metaic.secretName" . }}
{{- end -}}

{{/* Where every process writes its Prometheus samples (one emptyDir per pod, fresh at each start). */}}
{{- define "metaic.metricsDir" -}}
/var/run/metaic/metrics
{{- end -}}

{{- define "metaic.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
{{- end -}}

{{- define "metaic.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "metaic.dataClaim" -}}
{{- default (printf "%s-data" (include "metaic.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{/* The pod's volumes: the data folder (search indexes; shared by app and workers) and the metrics folder. */}}
{{- define "metaic.volumes" -}}
- name: data
{{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "metaic.dataClaim" . }}
{{- else }}
  emptyDir: {}
{{- end }}
- name: metrics
  emptyDir: {}
{{- end -}}

{{- define "metaic.volumeMounts" -}}
- name: data
  mountPath: {{ .Values.config.METAIC_DATA_DIR }}
- name: metrics
  mountPath: {{ include "metaic.metricsDir" . }}
{{- end -}}
