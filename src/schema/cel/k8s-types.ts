/**
 * The opaque CEL types of the Kubernetes libraries (IP, CIDR, URL, Quantity, Format and the optional that
 * `Format.validate()` returns). @bufbuild/cel dispatches methods and compares values by type, and its only
 * user-defined types are protobuf messages, so each is a small message built from a descriptor at load time.
 * Field equality is what CEL `==` compares, so fields hold a canonical form: equal values, equal fields.
 */
import { create, createFileRegistry, type DescMessage, type Message } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { objectType, type CelObjectType } from "@bufbuild/cel";

const { STRING, BOOL, BYTES, SINT32 } = FieldDescriptorProto_Type;
type FieldType = FieldDescriptorProto_Type;

function field(name: string, number: number, type: FieldType, repeated = false) {
  const label = repeated ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL;
  return { name, number, type, label };
}

/** Message names follow the CEL type names Kubernetes registers (`net.IP`, `kubernetes.URL`, …). */
const netFile = create(FileDescriptorProtoSchema, {
  name: "meshlint/cel/net.proto",
  package: "net",
  syntax: "proto3",
  messageType: [
    { name: "IP", field: [field("address", 1, BYTES)] },
    { name: "CIDR", field: [field("address", 1, BYTES), field("prefix_length", 2, SINT32)] },
  ],
});

const kubernetesFile = create(FileDescriptorProtoSchema, {
  name: "meshlint/cel/kubernetes.proto",
  package: "kubernetes",
  syntax: "proto3",
  messageType: [
    {
      name: "URL",
      field: [
        field("scheme", 1, STRING),
        field("opaque", 2, STRING),
        field("user", 3, STRING),
        field("has_user", 4, BOOL),
        field("host", 5, STRING),
        field("raw_path", 6, STRING),
        field("raw_query", 7, STRING),
        field("force_query", 8, BOOL),
        field("fragment", 9, STRING),
      ],
    },
    { name: "Quantity", field: [field("mantissa", 1, STRING), field("exponent", 2, SINT32)] },
    { name: "NamedFormat", field: [field("name", 1, STRING)] },
    {
      name: "OptionalErrors",
      field: [field("has_value", 1, BOOL), field("errors", 2, STRING, true)],
    },
    {
      name: "OptionalFormat",
      field: [field("has_value", 1, BOOL), field("name", 2, STRING)],
    },
  ],
});

export const kubernetesTypeRegistry = createFileRegistry(create(FileDescriptorSetSchema, { file: [netFile, kubernetesFile] }));

function message(typeName: string): DescMessage {
  const desc = kubernetesTypeRegistry.getMessage(typeName);
  if (!desc) throw new Error(`missing CEL type ${typeName}`);
  return desc;
}

export interface IpFields {
  address: Uint8Array;
}
export interface CidrFields {
  address: Uint8Array;
  prefixLength: number;
}
export interface UrlFields {
  scheme: string;
  opaque: string;
  user: string;
  hasUser: boolean;
  host: string;
  rawPath: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}
export interface QuantityFields {
  mantissa: string;
  exponent: number;
}
export interface FormatFields {
  name: string;
}
export interface OptionalErrorsFields {
  hasValue: boolean;
  errors: string[];
}
export interface OptionalFormatFields {
  hasValue: boolean;
  name: string;
}

/** A Kubernetes CEL type: its message descriptor, its CEL type, and typed construction/reading of its fields. */
export interface KubernetesType<Fields> {
  readonly desc: DescMessage;
  readonly celType: CelObjectType;
  make(fields: Fields): Message;
  read(message: unknown): Fields;
}

function kubernetesType<Fields>(typeName: string): KubernetesType<Fields> {
  const desc = message(typeName);
  return {
    desc,
    celType: objectType(desc),
    make: (fields) => create(desc, fields as never),
    read: (value) => value as Fields,
  };
}

export const IP_TYPE = kubernetesType<IpFields>("net.IP");
export const CIDR_TYPE = kubernetesType<CidrFields>("net.CIDR");
export const URL_TYPE = kubernetesType<UrlFields>("kubernetes.URL");
export const QUANTITY_TYPE = kubernetesType<QuantityFields>("kubernetes.Quantity");
export const FORMAT_TYPE = kubernetesType<FormatFields>("kubernetes.NamedFormat");
export const OPTIONAL_ERRORS_TYPE = kubernetesType<OptionalErrorsFields>("kubernetes.OptionalErrors");
export const OPTIONAL_FORMAT_TYPE = kubernetesType<OptionalFormatFields>("kubernetes.OptionalFormat");
