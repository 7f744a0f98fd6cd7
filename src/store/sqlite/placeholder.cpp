// Placeholder so the module target exists before its first source lands; removed then.
namespace renkei::store::sqlite {}
